use hostbind::host_fn;

#[host_fn(inline = "package test:host@1.2.0; interface api { log: func(msg: string); }", import = "test:host/api@1.3.0#log")]
fn log(msg: &str) {
    let _ = msg;
}

#[host_fn(inline = "package test:host; interface api { log: func(msg: string); }", import = "test:host/api@1.0.0#log")]
fn log_unversioned(msg: &str) {
    let _ = msg;
}

fn main() {}
