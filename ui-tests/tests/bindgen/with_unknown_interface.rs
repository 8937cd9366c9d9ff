hostbind::bindgen!({
    inline: "package a:b; interface log { say: func(m: string); } world plugin { import log; }",
    with: { "wasi:io": other::bindings },
});

fn main() {}
