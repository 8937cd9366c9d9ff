use hostbind::host_fn;

#[host_fn]
fn f(_msg: &'static str) {}

fn main() {}
