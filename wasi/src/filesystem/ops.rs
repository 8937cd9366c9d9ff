//! What each descriptor method does, once, for both WASI versions: checked
//! against the permissions of the preopen it came from, on a `Descriptor`
//! (not the guest's table), so that 0.3 can run it on a thread of its own.
//! 0.2's types are the common language; 0.3 converts at its edge.

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use cap_fs_ext::{
    DirExt, FollowSymlinks, MetadataExt, OpenOptionsFollowExt, OpenOptionsMaybeDirExt,
    SystemTimeSpec,
};
use cap_std::fs::{Dir, FileExt, OpenOptions};

use super::{Descriptor, DirPerms, FilePerms, descriptor_type, error_code};
use crate::bindings::wasi::clocks::wall_clock::Datetime;
use crate::bindings::wasi::filesystem::types::{
    DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry, ErrorCode, MetadataHashValue,
    NewTimestamp, OpenFlags, PathFlags,
};

/// The most one `read` returns.
const READ_MAX: u64 = 1 << 24;

pub(crate) type Fs<T> = Result<T, ErrorCode>;

fn io<T>(r: std::io::Result<T>) -> Fs<T> {
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

fn metadata_at(dir: &Dir, flags: PathFlags, path: &str) -> std::io::Result<cap_std::fs::Metadata> {
    if flags.contains(PathFlags::SYMLINK_FOLLOW) {
        dir.metadata(path)
    } else {
        dir.symlink_metadata(path)
    }
}

impl Descriptor {
    /// The directory, if this is one that grants `need`.
    fn dir(&self, need: DirPerms) -> Fs<&Arc<Dir>> {
        match self {
            Descriptor::Dir { dir, perms, .. } if perms.contains(need) => Ok(dir),
            Descriptor::Dir { .. } => Err(ErrorCode::NotPermitted),
            Descriptor::File { .. } => Err(ErrorCode::NotDirectory),
        }
    }

    /// The file, if this is one opened for `need`.
    pub(crate) fn file(&self, need: FilePerms) -> Fs<&Arc<cap_std::fs::File>> {
        match self {
            Descriptor::File { file, perms } if perms.contains(need) => Ok(file),
            Descriptor::File { .. } => Err(ErrorCode::BadDescriptor),
            Descriptor::Dir { .. } => Err(ErrorCode::IsDirectory),
        }
    }

    pub(crate) fn metadata(&self) -> Fs<cap_std::fs::Metadata> {
        match self {
            Descriptor::File { file, .. } => io(file.metadata()),
            Descriptor::Dir { dir, .. } => io(dir.dir_metadata()),
        }
    }

    pub(crate) fn advise(&self) -> Fs<()> {
        // Advice may be ignored; the descriptor must still be a file.
        self.file(FilePerms::default()).map(|_| ())
    }

    pub(crate) fn sync_data(&self) -> Fs<()> {
        match self {
            Descriptor::File { file, .. } => io(file.sync_data()),
            Descriptor::Dir { .. } => Ok(()),
        }
    }

    pub(crate) fn flags(&self) -> DescriptorFlags {
        match self {
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
        }
    }

    pub(crate) fn kind(&self) -> Fs<DescriptorType> {
        match self {
            Descriptor::File { file, .. } => {
                io(file.metadata()).map(|m| descriptor_type(m.file_type()))
            }
            Descriptor::Dir { .. } => Ok(DescriptorType::Directory),
        }
    }

    pub(crate) fn set_size(&self, size: u64) -> Fs<()> {
        io(self.file(FilePerms::WRITE)?.set_len(size))
    }

    pub(crate) fn set_times(&self, atime: &NewTimestamp, mtime: &NewTimestamp) -> Fs<()> {
        let times = rustix::fs::Timestamps {
            last_access: rustix_time(atime),
            last_modification: rustix_time(mtime),
        };
        match self {
            Descriptor::File { file, perms } if perms.contains(FilePerms::WRITE) => {
                rustix::fs::futimens(&**file, &times).map_err(|e| error_code(&e.into()))
            }
            Descriptor::File { .. } => Err(ErrorCode::BadDescriptor),
            Descriptor::Dir { dir, perms, .. } if perms.contains(DirPerms::MUTATE) => {
                rustix::fs::futimens(&**dir, &times).map_err(|e| error_code(&e.into()))
            }
            Descriptor::Dir { .. } => Err(ErrorCode::NotPermitted),
        }
    }

    pub(crate) fn read(&self, length: u64, offset: u64) -> Fs<(Vec<u8>, bool)> {
        let file = self.file(FilePerms::READ)?;
        let mut buf = vec![0; length.min(READ_MAX) as usize];
        let n = io(file.read_at(&mut buf, offset))?;
        buf.truncate(n);
        let eof = n == 0 && length > 0;
        Ok((buf, eof))
    }

    pub(crate) fn write(&self, buffer: &[u8], offset: u64) -> Fs<u64> {
        let file = self.file(FilePerms::WRITE)?;
        io(file.write_at(buffer, offset)).map(|n| n as u64)
    }

    pub(crate) fn entries(&self) -> Fs<Vec<Fs<DirectoryEntry>>> {
        let dir = self.dir(DirPerms::READ)?;
        Ok(io(dir.entries())?
            .map(|e| {
                let e = io(e)?;
                let r#type = io(e.file_type()).map(descriptor_type)?;
                let name = e
                    .file_name()
                    .into_string()
                    .map_err(|_| ErrorCode::IllegalByteSequence)?;
                Ok(DirectoryEntry { r#type, name })
            })
            .collect())
    }

    pub(crate) fn sync(&self) -> Fs<()> {
        match self {
            Descriptor::File { file, .. } => io(file.sync_all()),
            Descriptor::Dir { .. } => Ok(()),
        }
    }

    pub(crate) fn create_directory_at(&self, path: &str) -> Fs<()> {
        io(self.dir(DirPerms::MUTATE)?.create_dir(path))
    }

    pub(crate) fn stat(&self) -> Fs<DescriptorStat> {
        self.metadata().map(|m| stat_of(&m))
    }

    pub(crate) fn stat_at(&self, path_flags: PathFlags, path: &str) -> Fs<DescriptorStat> {
        let dir = self.dir(DirPerms::READ)?;
        io(metadata_at(dir, path_flags, path)).map(|m| stat_of(&m))
    }

    pub(crate) fn set_times_at(
        &self,
        path_flags: PathFlags,
        path: &str,
        atime: &NewTimestamp,
        mtime: &NewTimestamp,
    ) -> Fs<()> {
        let dir = self.dir(DirPerms::MUTATE)?;
        let (a, m) = (time_spec(atime), time_spec(mtime));
        io(if path_flags.contains(PathFlags::SYMLINK_FOLLOW) {
            dir.set_times(path, a, m)
        } else {
            dir.set_symlink_times(path, a, m)
        })
    }

    pub(crate) fn link_at(
        &self,
        old_path_flags: PathFlags,
        old_path: &str,
        new_descriptor: &Descriptor,
        new_path: &str,
    ) -> Fs<()> {
        let old = self.dir(DirPerms::MUTATE)?;
        let new = new_descriptor.dir(DirPerms::MUTATE)?;
        if old_path_flags.contains(PathFlags::SYMLINK_FOLLOW) {
            // Hard links to what a symlink points at are not offered.
            return Err(ErrorCode::Invalid);
        }
        io(old.hard_link(old_path, new, new_path))
    }

    pub(crate) fn open_at(
        &self,
        path_flags: PathFlags,
        path: &str,
        open_flags: OpenFlags,
        flags: DescriptorFlags,
    ) -> Fs<Descriptor> {
        let (dir, dir_perms, file_perms) = match self {
            Descriptor::Dir {
                dir,
                perms,
                file_perms,
            } if perms.contains(DirPerms::READ) => (dir, *perms, *file_perms),
            Descriptor::Dir { .. } => return Err(ErrorCode::NotPermitted),
            Descriptor::File { .. } => return Err(ErrorCode::NotDirectory),
        };
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
            return Err(ErrorCode::NotPermitted);
        }
        if directory {
            if create || truncate || write {
                return Err(ErrorCode::Invalid);
            }
            let opened = match follow {
                FollowSymlinks::Yes => dir.open_dir(path),
                FollowSymlinks::No => dir.open_dir_nofollow(path),
            };
            return Ok(Descriptor::Dir {
                dir: Arc::new(io(opened)?),
                perms: dir_perms,
                file_perms,
            });
        }
        let mut opts = OpenOptions::new();
        opts.read(read || !write).write(write).truncate(truncate);
        if exclusive && create {
            opts.create_new(true);
        } else if create {
            opts.create(true);
        }
        opts.follow(follow).maybe_dir(true);
        let file = io(dir.open_with(path, &opts))?;
        if io(file.metadata())?.is_dir() {
            return Ok(Descriptor::Dir {
                dir: Arc::new(Dir::from_std_file(file.into_std())),
                perms: dir_perms,
                file_perms,
            });
        }
        let mut perms = FilePerms::default();
        if read || !write {
            perms = perms | FilePerms::READ;
        }
        if write {
            perms = perms | FilePerms::WRITE;
        }
        Ok(Descriptor::File {
            file: Arc::new(file),
            perms,
        })
    }

    pub(crate) fn readlink_at(&self, path: &str) -> Fs<String> {
        let target = io(self.dir(DirPerms::READ)?.read_link_contents(path))?;
        target
            .into_os_string()
            .into_string()
            .map_err(|_| ErrorCode::IllegalByteSequence)
    }

    pub(crate) fn remove_directory_at(&self, path: &str) -> Fs<()> {
        io(self.dir(DirPerms::MUTATE)?.remove_dir(path))
    }

    pub(crate) fn rename_at(
        &self,
        old_path: &str,
        new_descriptor: &Descriptor,
        new_path: &str,
    ) -> Fs<()> {
        let old = self.dir(DirPerms::MUTATE)?;
        let new = new_descriptor.dir(DirPerms::MUTATE)?;
        io(old.rename(old_path, new, new_path))
    }

    pub(crate) fn symlink_at(&self, old_path: &str, new_path: &str) -> Fs<()> {
        let dir = self.dir(DirPerms::MUTATE)?;
        // An absolute target would name the host's filesystem.
        if old_path.starts_with('/') {
            return Err(ErrorCode::NotPermitted);
        }
        io(DirExt::symlink(&**dir, old_path, new_path))
    }

    pub(crate) fn unlink_file_at(&self, path: &str) -> Fs<()> {
        io(self.dir(DirPerms::MUTATE)?.remove_file_or_symlink(path))
    }

    pub(crate) fn is_same_object(&self, other: &Descriptor) -> bool {
        match (self.metadata(), other.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }

    pub(crate) fn metadata_hash(&self) -> Fs<MetadataHashValue> {
        self.metadata().map(|m| hash(&m))
    }

    pub(crate) fn metadata_hash_at(
        &self,
        path_flags: PathFlags,
        path: &str,
    ) -> Fs<MetadataHashValue> {
        let dir = self.dir(DirPerms::READ)?;
        io(metadata_at(dir, path_flags, path)).map(|m| hash(&m))
    }
}
