use hostbind::host_fn;

#[host_fn(wat = "x", crate = 1)]
fn f() {}

fn main() {}
