use hostbind::{ComponentType, Lift, Lower};

#[derive(ComponentType, Lift, Lower)]
union Bits {
    a: u32,
    b: f32,
}

fn main() {}
