hostbind::bindgen!({ inline: "package a:b; interface api { f: func(x: list<u32, 4>); } world plugin { import api; }" });

fn main() {}
