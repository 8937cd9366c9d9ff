use hostbind::{Access, host_fn};

// An async host function cannot hold a borrow of the store across `.await`.
#[host_fn]
async fn wait(count: &mut u32, x: u32) -> u32 {
    *count += x;
    x
}

// `Access` is for async host functions only.
#[host_fn]
fn peek(access: Access<u32>, x: u32) -> u32 {
    let _ = access;
    x
}

fn main() {}
