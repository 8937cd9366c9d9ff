hostbind::bindgen!({ inline: "package a:b; world plugin {}", tracing: "yes" });

fn main() {}
