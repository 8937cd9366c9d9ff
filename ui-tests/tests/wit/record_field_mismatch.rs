use hostbind::{ComponentType, Lift, Lower, host_fn};

#[derive(ComponentType, Lift, Lower)]
struct Point {
    x: i32,
    z: i32,
}

#[host_fn(inline = "package test:host; interface api { record point { x: s32, y: s32 } move-to: func(p: point); }", import = "test:host/api#move-to")]
fn move_to(p: Point) {
    let _ = p;
}

fn main() {}
