use hostbind::host_fn;

#[host_fn]
fn pick<T>(x: u32) -> u32 { x }

fn main() {}
