use hostbind::{ComponentType, Lift, Lower};

#[derive(ComponentType, Lift, Lower)]
#[component(record)]
enum Mode {
    Fast,
    Slow,
}

fn main() {}
