// A future's writer is consumed by its one write: a second write does not
// compile.
use hostbind::{Access, FutureReader, host_fn};

#[host_fn]
async fn answer(access: Access<()>) -> hostbind::Result<FutureReader<u32>> {
    let (tx, rx) = hostbind::future::<u32>(&access)?;
    let writer = access.clone();
    access.spawn(async move {
        tx.write(&writer, 1).await?;
        tx.write(&writer, 2).await?;
        Ok(())
    })?;
    Ok(rx)
}

fn main() {}
