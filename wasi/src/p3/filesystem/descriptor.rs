//! The methods of WASI 0.3's `wasi:filesystem/types/descriptor`: each copies
//! the descriptor out of the guest's table and runs its operation on a
//! thread of `blocking`'s pool; reads, writes and listings are tasks of the
//! store's event loop that move a stream.

use cap_std::fs::FileExt;
use hostbind::{Access, Borrow, FutureReader, Resource, Result, StreamReader, StreamWriter};

use super::{
    code, descriptor_flags_in, descriptor_flags_out, entry, hash, kind, open_flags, path_flags,
    stat, t2, t3, timestamp,
};
use crate::ctx::WasiCtx;
use crate::filesystem::{Descriptor, FilePerms, error_code};
use crate::p3::cli::CHUNK;

type Fs<T> = Result<core::result::Result<T, t3::ErrorCode>>;
type Done = FutureReader<core::result::Result<(), t3::ErrorCode>>;

/// The descriptor `this` names, copied out of the guest's table (a copy
/// shares the open file or directory).
fn find(access: &Access<WasiCtx>, this: &Borrow<Descriptor>) -> Result<Descriptor> {
    access.with(|cx| cx.descriptor(this).cloned())?
}

/// Runs `op` on the descriptor `this` names, on a thread of the pool.
async fn run<R: Send + 'static>(
    access: &Access<WasiCtx>,
    this: &Borrow<Descriptor>,
    op: impl FnOnce(&Descriptor) -> core::result::Result<R, t2::ErrorCode> + Send + 'static,
) -> Result<core::result::Result<R, t3::ErrorCode>> {
    let d = find(access, this)?;
    Ok(blocking::unblock(move || op(&d)).await.map_err(code))
}

/// The file `this` names if it was opened for `need`.
fn file_of(
    access: &Access<WasiCtx>,
    this: &Borrow<Descriptor>,
    need: FilePerms,
) -> Result<core::result::Result<std::sync::Arc<cap_std::fs::File>, t3::ErrorCode>> {
    Ok(find(access, this)?.file(need).cloned().map_err(code))
}

fn io_code(e: &std::io::Error) -> t3::ErrorCode {
    code(error_code(e))
}

/// Copies the file from `offset` into `tx` until the end of the file, an
/// error, or the guest dropping its end.
async fn read_file(
    access: &Access<WasiCtx>,
    tx: &StreamWriter<u8>,
    file: std::sync::Arc<cap_std::fs::File>,
    mut offset: u64,
) -> Fs<()> {
    loop {
        let f = file.clone();
        let read = blocking::unblock(move || {
            let mut buf = vec![0; CHUNK];
            f.read_at(&mut buf, offset).map(|n| {
                buf.truncate(n);
                buf
            })
        });
        let chunk = match read.await {
            Ok(bytes) if bytes.is_empty() => return Ok(Ok(())),
            Ok(bytes) => bytes,
            Err(e) => return Ok(Err(io_code(&e))),
        };
        let len = chunk.len();
        let taken = tx.write(access, chunk).await?;
        offset += taken as u64;
        if taken < len {
            return Ok(Ok(()));
        }
    }
}

/// Spawns the task that writes the guest's stream into the file, at
/// `offset` onwards or (`None`) at its end each time.
fn write_file(
    access: &Access<WasiCtx>,
    this: &Borrow<Descriptor>,
    data: StreamReader<u8>,
    mut offset: Option<u64>,
) -> Result<Done> {
    let file = file_of(access, this, FilePerms::WRITE)?;
    let (done_tx, done_rx) = hostbind::future::<core::result::Result<(), t3::ErrorCode>>(access)?;
    let a = access.clone();
    access.spawn(async move {
        let result = match file {
            Err(e) => Err(e),
            Ok(file) => loop {
                let Some(chunk) = data.read(&a, CHUNK).await? else {
                    break Ok(());
                };
                let f = file.clone();
                let wrote = blocking::unblock(move || {
                    let at = match offset {
                        Some(at) => at,
                        None => f.metadata()?.len(),
                    };
                    f.write_all_at(&chunk, at).map(|()| chunk.len() as u64)
                });
                match wrote.await {
                    Ok(n) => offset = offset.map(|at| at + n),
                    Err(e) => break Err(io_code(&e)),
                }
            },
        };
        data.close(&a)?;
        done_tx.write(&a, result).await?;
        Ok(())
    })?;
    Ok(done_rx)
}

impl t3::HostDescriptor for WasiCtx {
    fn drop(&mut self, rep: Resource<Descriptor>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    async fn read_via_stream(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Result<(StreamReader<u8>, Done)> {
        let file = file_of(&access, &this, FilePerms::READ)?;
        let (tx, rx) = hostbind::stream::<u8>(&access)?;
        let (done_tx, done_rx) =
            hostbind::future::<core::result::Result<(), t3::ErrorCode>>(&access)?;
        let a = access.clone();
        access.spawn(async move {
            let result = match file {
                Err(e) => Err(e),
                Ok(file) => read_file(&a, &tx, file, offset).await?,
            };
            tx.close(&a)?;
            done_tx.write(&a, result).await?;
            Ok(())
        })?;
        Ok((rx, done_rx))
    }

    async fn write_via_stream(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        data: StreamReader<u8>,
        offset: u64,
    ) -> Result<Done> {
        write_file(&access, &this, data, Some(offset))
    }

    async fn append_via_stream(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        data: StreamReader<u8>,
    ) -> Result<Done> {
        write_file(&access, &this, data, None)
    }

    async fn advise(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        _offset: u64,
        _length: u64,
        _advice: t3::Advice,
    ) -> Fs<()> {
        Ok(find(&access, &this)?.advise().map_err(code))
    }

    async fn sync_data(access: Access<Self>, this: Borrow<Descriptor>) -> Fs<()> {
        run(&access, &this, |d| d.sync_data()).await
    }

    async fn get_flags(access: Access<Self>, this: Borrow<Descriptor>) -> Fs<t3::DescriptorFlags> {
        Ok(Ok(descriptor_flags_out(find(&access, &this)?.flags())))
    }

    async fn get_type(access: Access<Self>, this: Borrow<Descriptor>) -> Fs<t3::DescriptorType> {
        Ok(run(&access, &this, |d| d.kind()).await?.map(kind))
    }

    async fn set_size(access: Access<Self>, this: Borrow<Descriptor>, size: u64) -> Fs<()> {
        run(&access, &this, move |d| d.set_size(size)).await
    }

    async fn set_times(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        atime: t3::NewTimestamp,
        mtime: t3::NewTimestamp,
    ) -> Fs<()> {
        run(&access, &this, move |d| {
            d.set_times(&timestamp(atime)?, &timestamp(mtime)?)
        })
        .await
    }

    async fn read_directory(
        access: Access<Self>,
        this: Borrow<Descriptor>,
    ) -> Result<(StreamReader<t3::DirectoryEntry>, Done)> {
        let d = find(&access, &this)?;
        let (tx, rx) = hostbind::stream::<t3::DirectoryEntry>(&access)?;
        let (done_tx, done_rx) =
            hostbind::future::<core::result::Result<(), t3::ErrorCode>>(&access)?;
        let a = access.clone();
        access.spawn(async move {
            let mut result = Ok(());
            match blocking::unblock(move || d.entries()).await {
                Err(e) => result = Err(code(e)),
                Ok(entries) => {
                    let mut batch = Vec::new();
                    for e in entries {
                        match e {
                            Ok(e) => batch.push(entry(e)),
                            Err(e) => {
                                result = Err(code(e));
                                break;
                            }
                        }
                    }
                    tx.write(&a, batch).await?;
                }
            }
            tx.close(&a)?;
            done_tx.write(&a, result).await?;
            Ok(())
        })?;
        Ok((rx, done_rx))
    }

    async fn sync(access: Access<Self>, this: Borrow<Descriptor>) -> Fs<()> {
        run(&access, &this, |d| d.sync()).await
    }

    async fn create_directory_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        run(&access, &this, move |d| d.create_directory_at(&path)).await
    }

    async fn stat(access: Access<Self>, this: Borrow<Descriptor>) -> Fs<t3::DescriptorStat> {
        Ok(run(&access, &this, |d| d.stat()).await?.map(stat))
    }

    async fn stat_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        flags: t3::PathFlags,
        path: String,
    ) -> Fs<t3::DescriptorStat> {
        let flags = path_flags(flags);
        Ok(run(&access, &this, move |d| d.stat_at(flags, &path))
            .await?
            .map(stat))
    }

    async fn set_times_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        flags: t3::PathFlags,
        path: String,
        atime: t3::NewTimestamp,
        mtime: t3::NewTimestamp,
    ) -> Fs<()> {
        let flags = path_flags(flags);
        run(&access, &this, move |d| {
            d.set_times_at(flags, &path, &timestamp(atime)?, &timestamp(mtime)?)
        })
        .await
    }

    async fn link_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        old_flags: t3::PathFlags,
        old_path: String,
        new_descriptor: Borrow<Descriptor>,
        new_path: String,
    ) -> Fs<()> {
        let new = find(&access, &new_descriptor)?;
        let old_flags = path_flags(old_flags);
        run(&access, &this, move |d| {
            d.link_at(old_flags, &old_path, &new, &new_path)
        })
        .await
    }

    async fn open_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        flags: t3::PathFlags,
        path: String,
        open: t3::OpenFlags,
        descriptor_flags: t3::DescriptorFlags,
    ) -> Fs<Resource<Descriptor>> {
        let (flags, open) = (path_flags(flags), open_flags(open));
        let descriptor_flags = descriptor_flags_in(descriptor_flags);
        let opened = run(&access, &this, move |d| {
            d.open_at(flags, &path, open, descriptor_flags)
        })
        .await?;
        Ok(match opened {
            Ok(d) => Ok(access.with(|cx| cx.table.push(d))?),
            Err(e) => Err(e),
        })
    }

    async fn readlink_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<String> {
        run(&access, &this, move |d| d.readlink_at(&path)).await
    }

    async fn remove_directory_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        run(&access, &this, move |d| d.remove_directory_at(&path)).await
    }

    async fn rename_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        old_path: String,
        new_descriptor: Borrow<Descriptor>,
        new_path: String,
    ) -> Fs<()> {
        let new = find(&access, &new_descriptor)?;
        run(&access, &this, move |d| {
            d.rename_at(&old_path, &new, &new_path)
        })
        .await
    }

    async fn symlink_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        old_path: String,
        new_path: String,
    ) -> Fs<()> {
        run(&access, &this, move |d| d.symlink_at(&old_path, &new_path)).await
    }

    async fn unlink_file_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        path: String,
    ) -> Fs<()> {
        run(&access, &this, move |d| d.unlink_file_at(&path)).await
    }

    async fn is_same_object(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        other: Borrow<Descriptor>,
    ) -> Result<bool> {
        let other = find(&access, &other)?;
        let same = run(&access, &this, move |d| Ok(d.is_same_object(&other))).await?;
        Ok(same.unwrap_or(false))
    }

    async fn metadata_hash(
        access: Access<Self>,
        this: Borrow<Descriptor>,
    ) -> Fs<t3::MetadataHashValue> {
        Ok(run(&access, &this, |d| d.metadata_hash()).await?.map(hash))
    }

    async fn metadata_hash_at(
        access: Access<Self>,
        this: Borrow<Descriptor>,
        flags: t3::PathFlags,
        path: String,
    ) -> Fs<t3::MetadataHashValue> {
        let flags = path_flags(flags);
        Ok(
            run(&access, &this, move |d| d.metadata_hash_at(flags, &path))
                .await?
                .map(hash),
        )
    }
}
