use hostbind::host_fn;

#[host_fn(inline = "package test:host;\ninterface api {\n  log: func(msg: strin);\n}", import = "test:host/api#log")]
fn log(msg: &str) {
    let _ = msg;
}

fn main() {}
