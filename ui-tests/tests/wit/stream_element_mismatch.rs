use hostbind::{Access, StreamReader, host_fn};

// `sum` takes a `stream<u8>`: a stream of `u32` is another type.
#[host_fn(inline = "package test:host; interface api { sum: async func(s: stream<u8>) -> u32; }", import = "test:host/api#sum")]
async fn sum(access: Access<()>, s: StreamReader<u32>) -> hostbind::Result<u32> {
    Ok(s.read_to_end(&access).await?.into_iter().sum())
}

fn main() {}
