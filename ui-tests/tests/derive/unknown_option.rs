use hostbind::{ComponentType, Lift, Lower};

#[derive(ComponentType, Lift, Lower)]
#[component(rename_all = "snake")]
struct Point {
    x: u32,
}

fn main() {}
