use hostbind::{ComponentType, Lift, Lower};

#[derive(ComponentType, Lift, Lower)]
#[component(variant)]
struct Point {
    x: u32,
}

fn main() {}
