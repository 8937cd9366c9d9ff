hostbind::bindgen!({
    inline: "package a:b; interface log { say: func(m: string); } world plugin { export log; }",
    with: { "a:b/log": other::bindings },
});

fn main() {}
