use hostbind::host_fn;

#[host_fn(import = "test:host/api#log")]
fn log(msg: &str) {
    let _ = msg;
}

fn main() {}
