use hostbind::host_fn;

#[host_fn(inline = "package test:host; interface logging { log: func(msg: string); }", import = "test:host/loging#log")]
fn log(msg: &str) {
    let _ = msg;
}

fn main() {}
