use hostbind::host_fn;

#[host_fn(inline = "package test:host; interface api { log: func(msg: string); flush: func(); }", import = "test:host/api#logg")]
fn log(msg: &str) {
    let _ = msg;
}

fn main() {}
