hostbind::bindgen!({ inline: "package a:b; interface api { f: func(x: future<u32>); } world plugin { import api; }" });

fn main() {}
