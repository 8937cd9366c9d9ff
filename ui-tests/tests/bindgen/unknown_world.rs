hostbind::bindgen!({ inline: "package a:b; world plugin { import log: func(msg: string); }", world: "plugin2" });

fn main() {}
