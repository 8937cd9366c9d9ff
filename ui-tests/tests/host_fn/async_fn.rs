use hostbind::host_fn;

#[host_fn]
async fn wait(x: u32) -> u32 { x }

fn main() {}
