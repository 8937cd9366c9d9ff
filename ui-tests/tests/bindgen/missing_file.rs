hostbind::bindgen!({ path: "wit/none.wit", world: "plugin" });

fn main() {}
