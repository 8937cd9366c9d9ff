use hostbind::host_fn;

#[host_fn]
fn f(_names: &[String]) {}

fn main() {}
