hostbind::bindgen!({ inline: "package a:b; world plugin { import log: func(msg: strng); }" });

fn main() {}
