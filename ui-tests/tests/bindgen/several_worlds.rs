hostbind::bindgen!({ inline: "package a:b; world one {} world two {}" });

fn main() {}
