//! The user-defined types the value tests share, with their WAT definitions.

use hostbind::{ComponentType, Lift, Lower, flags};

#[derive(ComponentType, Lift, Lower, Clone, Debug, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// Padding everywhere: a `u8` before an option of a string, an `f64` last.
#[derive(ComponentType, Lift, Lower, Clone, Debug, PartialEq)]
#[component(record, name = "person")]
pub struct Person {
    #[component(name = "full-name")]
    pub name: String,
    pub age: u8,
    pub email: Option<String>,
    pub tags: Vec<String>,
    pub score: f64,
}

/// Payloads of four flat shapes, so the joined slots are `i64` and `i32`.
#[derive(ComponentType, Lift, Lower, Clone, Debug, PartialEq)]
#[component(variant)]
pub enum Shape {
    Circle(f32),
    Rect(Point),
    Label(String),
    Empty,
    Big(u64),
}

#[derive(ComponentType, Lift, Lower, Clone, Copy, Debug, PartialEq)]
#[component(enum)]
pub enum Color {
    Red,
    Green,
    #[component(name = "sky-blue")]
    Blue,
}

#[derive(ComponentType, Lift, Lower, Clone, Debug, PartialEq)]
#[component(variant)]
pub enum Outcome {
    Done(Result<u32, String>),
    Failed(Result<(), Color>),
    Pending,
}

flags! {
    #[component(name = "perms")]
    pub struct Perms {
        const READ;
        const WRITE;
        const EXEC;
    }
}

flags! {
    /// Twenty flags: stored in two bytes.
    pub struct Wide {
        const F0; const F1; const F2; const F3; const F4; const F5; const F6;
        const F7; const F8; const F9; const F10; const F11; const F12; const F13;
        const F14; const F15; const F16; const F17; const F18; const F19;
    }
}

pub const POINT: (&str, &str) = ("point", r#"(record (field "x" s32) (field "y" s32))"#);
pub const PERSON: (&str, &str) = (
    "person",
    r#"(record (field "full-name" string) (field "age" u8) (field "email" (option string)) (field "tags" (list string)) (field "score" f64))"#,
);
pub const SHAPE: (&str, &str) = (
    "shape",
    r#"(variant (case "circle" f32) (case "rect" $point) (case "label" string) (case "empty") (case "big" u64))"#,
);
pub const COLOR: (&str, &str) = ("color", r#"(enum "red" "green" "sky-blue")"#);
pub const OUTCOME: (&str, &str) = (
    "outcome",
    r#"(variant (case "done" (result u32 (error string))) (case "failed" (result (error $color))) (case "pending"))"#,
);
pub const PERMS: (&str, &str) = ("perms", r#"(flags "read" "write" "exec")"#);
pub const WIDE: (&str, &str) = (
    "wide",
    r#"(flags "f0" "f1" "f2" "f3" "f4" "f5" "f6" "f7" "f8" "f9" "f10" "f11" "f12" "f13" "f14" "f15" "f16" "f17" "f18" "f19")"#,
);
