use hostbind::{ComponentType, Lift, Lower};

#[derive(ComponentType, Lift, Lower)]
struct Pair(u32, u32);

#[derive(ComponentType, Lift, Lower)]
#[component(enum)]
enum Level {
    Low,
    High(u8),
}

#[derive(ComponentType, Lift, Lower)]
#[component(variant)]
enum Msg {
    Two(u8, u8),
    #[component(name = "Not_Kebab")]
    Other,
}

#[derive(ComponentType, Lift, Lower)]
#[component(variant)]
enum Clash {
    #[component(name = "same")]
    A,
    #[component(name = "same")]
    B,
}

fn main() {}
