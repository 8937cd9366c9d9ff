hostbind::bindgen!({ inline: "package a:b; interface api { resource counter; make: func() -> counter; } world plugin { import api; }" });

fn main() {}
