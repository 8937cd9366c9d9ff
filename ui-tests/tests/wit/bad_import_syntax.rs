use hostbind::host_fn;

#[host_fn(inline = "package test:host; interface api { log: func(msg: string); }", import = "test:host/api/log")]
fn log(msg: &str) {
    let _ = msg;
}

fn main() {}
