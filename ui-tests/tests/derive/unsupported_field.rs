use hostbind::{ComponentType, Lift, Lower};

struct Opaque;

#[derive(ComponentType, Lift, Lower)]
struct Holder {
    ok: u32,
    bad: Opaque,
}

fn main() {}
