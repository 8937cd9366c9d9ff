hostbind::bindgen!({ inline: "package a:b; world plugin {}", ownership: Owned });

fn main() {}
