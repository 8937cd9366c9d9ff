use hostbind::host_fn;

#[host_fn(wit = "wit", inline = "package test:host;", import = "test:host/api#log")]
fn log(msg: &str) {
    let _ = msg;
}

fn main() {}
