use hostbind::{ComponentType, Lift, Lower};

#[derive(ComponentType, Lift, Lower)]
enum Mode {
    Fast,
    Slow,
}

fn main() {}
