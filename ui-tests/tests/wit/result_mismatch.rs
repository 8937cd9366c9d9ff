use hostbind::host_fn;

#[host_fn(inline = "package test:host; interface api { add: func(a: u32, b: u32) -> u32; }", import = "test:host/api#add")]
fn add(a: u32, b: u32) -> u64 {
    u64::from(a + b)
}

fn main() {}
