use hostbind::host_fn;

struct Ctx;

#[host_fn]
fn f(_cx: &mut Ctx, _out: &mut u32) {}

fn main() {}
