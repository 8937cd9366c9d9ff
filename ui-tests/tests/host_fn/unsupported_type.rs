use hostbind::host_fn;

struct Point;

#[host_fn]
fn draw(_at: Point) {}

fn main() {}
