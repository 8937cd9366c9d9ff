//! The methods of `wasi:filesystem/types/descriptor`, each checked against
//! the permissions of the preopen it came from.

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use cap_fs_ext::{
    DirExt, FollowSymlinks, MetadataExt, OpenOptionsFollowExt, OpenOptionsMaybeDirExt,
    SystemTimeSpec,
};
use cap_std::fs::{Dir, FileExt, OpenOptions};
use hostbind::{Borrow, Resource, Result};

use super::{Descriptor, DirPerms, DirectoryEntryStream, FilePerms, descriptor_type, error_code};
use crate::bindings::wasi::clocks::wall_clock::Datetime;
use crate::bindings::wasi::filesystem::types::{
    self, Advice, DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry, ErrorCode,
    MetadataHashValue, NewTimestamp, OpenFlags, PathFlags,
};
use crate::ctx::WasiCtx;
use crate::io::{Input, InputStream, Output, OutputStream};

/// The most one `read` returns, so a guest cannot make the host allocate
/// what it likes.
const READ_MAX: u64 = 1 << 24;

type Fs<T> = Result<Result<T, ErrorCode>>;

/// An open directory and what may be done in it and to its files.
type DirGrant = (Arc<Dir>, DirPerms, FilePerms);

fn io<T>(r: std::io::Result<T>) -> Result<T, ErrorCode> {
    r.map_err(|e| error_code(&e))
}

fn datetime(t: std::io::Result<cap_std::time::SystemTime>) -> Option<Datetime> {
    let d = t.ok()?.into_std().duration_since(UNIX_EPOCH).ok()?;
    Some(Datetime {
        seconds: d.as_secs(),
        nanoseconds: d.subsec_nanos(),
    })
}

fn stat_of(m: &cap_std::fs::Metadata) -> DescriptorStat {
    DescriptorStat {
        r#type: descriptor_type(m.file_type()),
        link_count: m.nlink(),
        size: m.len(),
        data_access_timestamp: datetime(m.accessed()),
        data_modification_timestamp: datetime(m.modified()),
        status_change_timestamp: None,
    }
}

fn time_spec(t: &NewTimestamp) -> Option<SystemTimeSpec> {
    match t {
        NewTimestamp::NoChange => None,
        NewTimestamp::Now => Some(SystemTimeSpec::SymbolicNow),
        NewTimestamp::Timestamp(d) => {
            let t = UNIX_EPOCH
                + std::time::Duration::from_secs(d.seconds)
                + std::time::Duration::from_nanos(u64::from(d.nanoseconds));
            Some(SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(t),
            ))
        }
    }
}

fn rustix_time(t: &NewTimestamp) -> rustix::fs::Timespec {
    match t {
        NewTimestamp::NoChange => rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_OMIT,
        },
        NewTimestamp::Now => rustix::fs::Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_NOW,
        },
        NewTimestamp::Timestamp(d) => rustix::fs::Timespec {
            tv_sec: i64::try_from(d.seconds).unwrap_or(i64::MAX),
            tv_nsec: i64::from(d.nanoseconds),
        },
    }
}

fn hash(m: &cap_std::fs::Metadata) -> MetadataHashValue {
    // Device and inode name the object; mixed so that neither half is
    // either number as it is.
    let mix = |x: u64| {
        let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    MetadataHashValue {
        lower: mix(m.ino() ^ mix(m.dev())),
        upper: mix(m.dev().rotate_left(17) ^ m.ino()),
    }
}

impl WasiCtx {
    /// The directory behind `d`, if it may be used as `need` says.
    fn dir_of(&self, d: &Borrow<Descriptor>, need: DirPerms) -> Fs<DirGrant> {
        Ok(match self.descriptor(d)? {
            Descriptor::Dir {
                dir,
                perms,
                file_perms,
            } if perms.contains(need) => Ok((dir.clone(), *perms, *file_perms)),
            Descriptor::Dir { .. } => Err(ErrorCode::NotPermitted),
            Descriptor::File { .. } => Err(ErrorCode::NotDirectory),
        })
    }

    /// The file behind `d`, if it was opened as `need` says.
    fn file_of(
        &self,
        d: &Borrow<Descriptor>,
        need: FilePerms,
    ) -> Result<Result<Arc<cap_std::fs::File>, ErrorCode>> {
        Ok(match self.descriptor(d)? {
            Descriptor::File { file, perms } if perms.contains(need) => Ok(file.clone()),
            Descriptor::File { .. } => Err(ErrorCode::BadDescriptor),
            Descriptor::Dir { .. } => Err(ErrorCode::IsDirectory),
        })
    }
}

impl types::HostDescriptor for WasiCtx {
    fn drop(&mut self, rep: Resource<Descriptor>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn read_via_stream(
        &mut self,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Fs<Resource<InputStream>> {
        let file = tri!(self.file_of(&this, FilePerms::READ)?);
        Ok(Ok(self
            .table
            .push(InputStream::new(Input::File { file, at: offset }))))
    }

    fn write_via_stream(
        &mut self,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Fs<Resource<OutputStream>> {
        let file = tri!(self.file_of(&this, FilePerms::WRITE)?);
        Ok(Ok(self.table.push(OutputStream::new(Output::File {
            file,
            at: Some(offset),
        }))))
    }

    fn append_via_stream(&mut self, this: Borrow<Descriptor>) -> Fs<Resource<OutputStream>> {
        let file = tri!(self.file_of(&this, FilePerms::WRITE)?);
        Ok(Ok(self
            .table
            .push(OutputStream::new(Output::File { file, at: None }))))
    }

    fn advise(&mut self, this: Borrow<Descriptor>, _: u64, _: u64, _: Advice) -> Fs<()> {
        // Advice may be ignored; the descriptor must still be a file.
        tri!(self.file_of(&this, FilePerms::default())?);
        Ok(Ok(()))
    }

    fn sync_data(&mut self, this: Borrow<Descriptor>) -> Fs<()> {
        Ok(match self.descriptor(&this)? {
            Descriptor::File { file, .. } => io(file.sync_data()),
            Descriptor::Dir { .. } => Ok(()),
        })
    }

    fn get_flags(&mut self, this: Borrow<Descriptor>) -> Fs<DescriptorFlags> {
        Ok(Ok(match self.descriptor(&this)? {
            Descriptor::File { perms, .. } => {
                let mut f = DescriptorFlags::empty();
                if perms.contains(FilePerms::READ) {
                    f |= DescriptorFlags::READ;
                }
                if perms.contains(FilePerms::WRITE) {
                    f |= DescriptorFlags::WRITE;
                }
                f
            }
            Descriptor::Dir { perms, .. } => {
                let mut f = DescriptorFlags::READ;
                if perms.contains(DirPerms::MUTATE) {
                    f |= DescriptorFlags::MUTATE_DIRECTORY;
                }
                f
            }
        }))
    }

    fn get_type(&mut self, this: Borrow<Descriptor>) -> Fs<DescriptorType> {
        Ok(match self.descriptor(&this)? {
            Descriptor::File { file, .. } => {
                io(file.metadata()).map(|m| descriptor_type(m.file_type()))
            }
            Descriptor::Dir { .. } => Ok(DescriptorType::Directory),
        })
    }

    fn set_size(&mut self, this: Borrow<Descriptor>, size: u64) -> Fs<()> {
        let file = tri!(self.file_of(&this, FilePerms::WRITE)?);
        Ok(io(file.set_len(size)))
    }

    fn set_times(
        &mut self,
        this: Borrow<Descriptor>,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        let times = rustix::fs::Timestamps {
            last_access: rustix_time(&atime),
            last_modification: rustix_time(&mtime),
        };
        Ok(match self.descriptor(&this)? {
            Descriptor::File { file, perms } if perms.contains(FilePerms::WRITE) => {
                rustix::fs::futimens(&**file, &times).map_err(|e| error_code(&e.into()))
            }
            Descriptor::File { .. } => Err(ErrorCode::BadDescriptor),
            Descriptor::Dir { dir, perms, .. } if perms.contains(DirPerms::MUTATE) => {
                rustix::fs::futimens(&**dir, &times).map_err(|e| error_code(&e.into()))
            }
            Descriptor::Dir { .. } => Err(ErrorCode::NotPermitted),
        })
    }

    fn read(&mut self, this: Borrow<Descriptor>, length: u64, offset: u64) -> Fs<(Vec<u8>, bool)> {
        let file = tri!(self.file_of(&this, FilePerms::READ)?);
        let mut buf = vec![0; length.min(READ_MAX) as usize];
        let n = tri!(io(file.read_at(&mut buf, offset)));
        buf.truncate(n);
        let eof = n == 0 && length > 0;
        Ok(Ok((buf, eof)))
    }

    fn write(&mut self, this: Borrow<Descriptor>, buffer: &[u8], offset: u64) -> Fs<u64> {
        let file = tri!(self.file_of(&this, FilePerms::WRITE)?);
        Ok(io(file.write_at(buffer, offset)).map(|n| n as u64))
    }

    fn read_directory(&mut self, this: Borrow<Descriptor>) -> Fs<Resource<DirectoryEntryStream>> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::READ)?);
        let entries: Vec<_> = tri!(io(dir.entries()))
            .map(|e| {
                let e = io(e)?;
                let r#type = io(e.file_type()).map(descriptor_type)?;
                let name = e
                    .file_name()
                    .into_string()
                    .map_err(|_| ErrorCode::IllegalByteSequence)?;
                Ok(DirectoryEntry { r#type, name })
            })
            .collect();
        Ok(Ok(self.table.push(DirectoryEntryStream {
            entries: entries.into_iter(),
        })))
    }

    fn sync(&mut self, this: Borrow<Descriptor>) -> Fs<()> {
        Ok(match self.descriptor(&this)? {
            Descriptor::File { file, .. } => io(file.sync_all()),
            Descriptor::Dir { .. } => Ok(()),
        })
    }

    fn create_directory_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<()> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        Ok(io(dir.create_dir(path)))
    }

    fn stat(&mut self, this: Borrow<Descriptor>) -> Fs<DescriptorStat> {
        Ok(match self.descriptor(&this)? {
            Descriptor::File { file, .. } => io(file.metadata()).map(|m| stat_of(&m)),
            Descriptor::Dir { dir, .. } => io(dir.dir_metadata()).map(|m| stat_of(&m)),
        })
    }

    fn stat_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
    ) -> Fs<DescriptorStat> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::READ)?);
        Ok(io(metadata_at(&dir, path_flags, path)).map(|m| stat_of(&m)))
    }

    fn set_times_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        let (a, m) = (time_spec(&atime), time_spec(&mtime));
        Ok(io(if path_flags.contains(PathFlags::SYMLINK_FOLLOW) {
            dir.set_times(path, a, m)
        } else {
            dir.set_symlink_times(path, a, m)
        }))
    }

    fn link_at(
        &mut self,
        this: Borrow<Descriptor>,
        old_path_flags: PathFlags,
        old_path: &str,
        new_descriptor: Borrow<Descriptor>,
        new_path: &str,
    ) -> Fs<()> {
        let (old, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        let (new, ..) = tri!(self.dir_of(&new_descriptor, DirPerms::MUTATE)?);
        if old_path_flags.contains(PathFlags::SYMLINK_FOLLOW) {
            // Hard links to what a symlink points at are not offered.
            return Ok(Err(ErrorCode::Invalid));
        }
        Ok(io(old.hard_link(old_path, &new, new_path)))
    }

    fn open_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
        open_flags: OpenFlags,
        flags: DescriptorFlags,
    ) -> Fs<Resource<Descriptor>> {
        let (dir, dir_perms, file_perms) = tri!(self.dir_of(&this, DirPerms::READ)?);
        let create = open_flags.contains(OpenFlags::CREATE);
        let exclusive = open_flags.contains(OpenFlags::EXCLUSIVE);
        let truncate = open_flags.contains(OpenFlags::TRUNCATE);
        let directory = open_flags.contains(OpenFlags::DIRECTORY);
        let write = flags.contains(DescriptorFlags::WRITE);
        let read = flags.contains(DescriptorFlags::READ);
        let follow = if path_flags.contains(PathFlags::SYMLINK_FOLLOW) {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        };
        let mutates = create || truncate || flags.contains(DescriptorFlags::MUTATE_DIRECTORY);
        if (mutates && !dir_perms.contains(DirPerms::MUTATE))
            || (write && !file_perms.contains(FilePerms::WRITE))
            || (read && !file_perms.contains(FilePerms::READ))
        {
            return Ok(Err(ErrorCode::NotPermitted));
        }
        if directory {
            if create || truncate || write {
                return Ok(Err(ErrorCode::Invalid));
            }
            let opened = match follow {
                FollowSymlinks::Yes => dir.open_dir(path),
                FollowSymlinks::No => dir.open_dir_nofollow(path),
            };
            let d = tri!(io(opened));
            return Ok(Ok(self.table.push(Descriptor::Dir {
                dir: Arc::new(d),
                perms: dir_perms,
                file_perms,
            })));
        }
        let mut opts = OpenOptions::new();
        opts.read(read || !write).write(write).truncate(truncate);
        if exclusive && create {
            opts.create_new(true);
        } else if create {
            opts.create(true);
        }
        opts.follow(follow).maybe_dir(true);
        let file = tri!(io(dir.open_with(path, &opts)));
        let is_dir = tri!(io(file.metadata())).is_dir();
        let d = if is_dir {
            Descriptor::Dir {
                dir: Arc::new(Dir::from_std_file(file.into_std())),
                perms: dir_perms,
                file_perms,
            }
        } else {
            let mut perms = FilePerms::default();
            if read || !write {
                perms = perms | FilePerms::READ;
            }
            if write {
                perms = perms | FilePerms::WRITE;
            }
            Descriptor::File {
                file: Arc::new(file),
                perms,
            }
        };
        Ok(Ok(self.table.push(d)))
    }

    fn readlink_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<String> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::READ)?);
        let target = tri!(io(dir.read_link_contents(path)));
        Ok(target
            .into_os_string()
            .into_string()
            .map_err(|_| ErrorCode::IllegalByteSequence))
    }

    fn remove_directory_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<()> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        Ok(io(dir.remove_dir(path)))
    }

    fn rename_at(
        &mut self,
        this: Borrow<Descriptor>,
        old_path: &str,
        new_descriptor: Borrow<Descriptor>,
        new_path: &str,
    ) -> Fs<()> {
        let (old, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        let (new, ..) = tri!(self.dir_of(&new_descriptor, DirPerms::MUTATE)?);
        Ok(io(old.rename(old_path, &new, new_path)))
    }

    fn symlink_at(&mut self, this: Borrow<Descriptor>, old_path: &str, new_path: &str) -> Fs<()> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        // An absolute target would name the host's filesystem.
        if old_path.starts_with('/') {
            return Ok(Err(ErrorCode::NotPermitted));
        }
        Ok(io(DirExt::symlink(&*dir, old_path, new_path)))
    }

    fn unlink_file_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<()> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::MUTATE)?);
        Ok(io(dir.remove_file_or_symlink(path)))
    }

    fn is_same_object(
        &mut self,
        this: Borrow<Descriptor>,
        other: Borrow<Descriptor>,
    ) -> Result<bool> {
        let a = self.metadata(&this)?.ok();
        let b = self.metadata(&other)?.ok();
        Ok(match (a, b) {
            (Some(a), Some(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        })
    }

    fn metadata_hash(&mut self, this: Borrow<Descriptor>) -> Fs<MetadataHashValue> {
        Ok(self.metadata(&this)?.map(|m| hash(&m)))
    }

    fn metadata_hash_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
    ) -> Fs<MetadataHashValue> {
        let (dir, ..) = tri!(self.dir_of(&this, DirPerms::READ)?);
        Ok(io(metadata_at(&dir, path_flags, path)).map(|m| hash(&m)))
    }
}

/// What `path` names in `dir`, or the symlink itself unless told to follow.
fn metadata_at(dir: &Dir, flags: PathFlags, path: &str) -> std::io::Result<cap_std::fs::Metadata> {
    if flags.contains(PathFlags::SYMLINK_FOLLOW) {
        dir.metadata(path)
    } else {
        dir.symlink_metadata(path)
    }
}

impl WasiCtx {
    fn metadata(&self, d: &Borrow<Descriptor>) -> Fs<cap_std::fs::Metadata> {
        Ok(match self.descriptor(d)? {
            Descriptor::File { file, .. } => io(file.metadata()),
            Descriptor::Dir { dir, .. } => io(dir.dir_metadata()),
        })
    }
}
