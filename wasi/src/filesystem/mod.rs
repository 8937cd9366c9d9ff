//! `wasi:filesystem`: preopened directories and what a guest may do in
//! them, through cap-std, so that no path leads outside a preopen.

mod descriptor;
mod ops;

use std::sync::Arc;

use hostbind::{Borrow, Resource, Result};
use rustix::io::Errno;

use crate::bindings::wasi::filesystem::{preopens, types};
use crate::ctx::WasiCtx;
use crate::io::IoError;
use types::{DescriptorType, ErrorCode};

/// What a guest may do to the directories of a preopen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DirPerms(u8);

impl DirPerms {
    /// List and open what is inside.
    pub const READ: DirPerms = DirPerms(1);
    /// Create, rename and remove entries.
    pub const MUTATE: DirPerms = DirPerms(2);

    /// Everything.
    pub const fn all() -> DirPerms {
        DirPerms(3)
    }

    /// Whether every permission in `other` is granted.
    pub const fn contains(self, other: DirPerms) -> bool {
        self.0 & other.0 == other.0
    }
}

impl core::ops::BitOr for DirPerms {
    type Output = DirPerms;
    fn bitor(self, rhs: DirPerms) -> DirPerms {
        DirPerms(self.0 | rhs.0)
    }
}

/// What a guest may do to the files of a preopen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FilePerms(u8);

impl FilePerms {
    /// Read them.
    pub const READ: FilePerms = FilePerms(1);
    /// Write them.
    pub const WRITE: FilePerms = FilePerms(2);

    /// Everything.
    pub const fn all() -> FilePerms {
        FilePerms(3)
    }

    /// Whether every permission in `other` is granted.
    pub const fn contains(self, other: FilePerms) -> bool {
        self.0 & other.0 == other.0
    }
}

impl core::ops::BitOr for FilePerms {
    type Output = FilePerms;
    fn bitor(self, rhs: FilePerms) -> FilePerms {
        FilePerms(self.0 | rhs.0)
    }
}

/// A directory the embedder granted, as the guest will name it.
#[derive(Debug)]
pub(crate) struct Preopen {
    pub(crate) dir: Arc<cap_std::fs::Dir>,
    pub(crate) guest_path: String,
    pub(crate) dir_perms: DirPerms,
    pub(crate) file_perms: FilePerms,
}

/// A `wasi:filesystem/types/descriptor`: an open directory or file.
/// (Both WASI versions' descriptors are this type; a copy shares the
/// open directory or file.)
#[derive(Clone, Debug)]
pub enum Descriptor {
    /// A directory, and what may be done in it.
    Dir {
        /// The directory.
        dir: Arc<cap_std::fs::Dir>,
        /// What may be done to it.
        perms: DirPerms,
        /// What may be done to the files opened from it.
        file_perms: FilePerms,
    },
    /// A file, and what may be done with it.
    File {
        /// The file.
        file: Arc<cap_std::fs::File>,
        /// What it was opened for, within what the preopen grants.
        perms: FilePerms,
    },
}

/// A `wasi:filesystem/types/directory-entry-stream`: a directory's
/// entries, read when the stream was opened.
#[derive(Debug)]
pub struct DirectoryEntryStream {
    pub(crate) entries: std::vec::IntoIter<Result<types::DirectoryEntry, ErrorCode>>,
}

/// The WASI error code for an I/O error.
pub(crate) fn error_code(e: &std::io::Error) -> ErrorCode {
    if let Some(code) = Errno::from_io_error(e).and_then(errno_code) {
        return code;
    }
    use std::io::ErrorKind as K;
    match e.kind() {
        // cap-std's refusal of a path that leads outside the directory.
        K::PermissionDenied => ErrorCode::NotPermitted,
        K::NotFound => ErrorCode::NoEntry,
        K::AlreadyExists => ErrorCode::Exist,
        K::InvalidInput => ErrorCode::Invalid,
        K::Interrupted => ErrorCode::Interrupted,
        K::Unsupported => ErrorCode::Unsupported,
        K::OutOfMemory => ErrorCode::InsufficientMemory,
        _ => ErrorCode::Io,
    }
}

fn errno_code(e: Errno) -> Option<ErrorCode> {
    Some(match e {
        Errno::ACCESS => ErrorCode::Access,
        Errno::AGAIN => ErrorCode::WouldBlock,
        Errno::ALREADY => ErrorCode::Already,
        Errno::BADF => ErrorCode::BadDescriptor,
        Errno::BUSY => ErrorCode::Busy,
        Errno::DEADLK => ErrorCode::Deadlock,
        Errno::DQUOT => ErrorCode::Quota,
        Errno::EXIST => ErrorCode::Exist,
        Errno::FBIG => ErrorCode::FileTooLarge,
        Errno::ILSEQ => ErrorCode::IllegalByteSequence,
        Errno::INPROGRESS => ErrorCode::InProgress,
        Errno::INTR => ErrorCode::Interrupted,
        Errno::INVAL => ErrorCode::Invalid,
        Errno::IO => ErrorCode::Io,
        Errno::ISDIR => ErrorCode::IsDirectory,
        Errno::LOOP => ErrorCode::Loop,
        Errno::MLINK => ErrorCode::TooManyLinks,
        Errno::MSGSIZE => ErrorCode::MessageSize,
        Errno::NAMETOOLONG => ErrorCode::NameTooLong,
        Errno::NODEV => ErrorCode::NoDevice,
        Errno::NOENT => ErrorCode::NoEntry,
        Errno::NOLCK => ErrorCode::NoLock,
        Errno::NOMEM => ErrorCode::InsufficientMemory,
        Errno::NOSPC => ErrorCode::InsufficientSpace,
        Errno::NOTDIR => ErrorCode::NotDirectory,
        Errno::NOTEMPTY => ErrorCode::NotEmpty,
        Errno::NOTRECOVERABLE => ErrorCode::NotRecoverable,
        Errno::NOTSUP => ErrorCode::Unsupported,
        Errno::NOTTY => ErrorCode::NoTty,
        Errno::NXIO => ErrorCode::NoSuchDevice,
        Errno::OVERFLOW => ErrorCode::Overflow,
        Errno::PERM => ErrorCode::NotPermitted,
        Errno::PIPE => ErrorCode::Pipe,
        Errno::ROFS => ErrorCode::ReadOnly,
        Errno::SPIPE => ErrorCode::InvalidSeek,
        Errno::TXTBSY => ErrorCode::TextFileBusy,
        Errno::XDEV => ErrorCode::CrossDevice,
        _ => return None,
    })
}

/// The WASI type of a file type.
pub(crate) fn descriptor_type(t: cap_std::fs::FileType) -> DescriptorType {
    use cap_fs_ext::FileTypeExt;
    if t.is_dir() {
        DescriptorType::Directory
    } else if t.is_symlink() {
        DescriptorType::SymbolicLink
    } else if t.is_file() {
        DescriptorType::RegularFile
    } else if FileTypeExt::is_block_device(&t) {
        DescriptorType::BlockDevice
    } else if FileTypeExt::is_char_device(&t) {
        DescriptorType::CharacterDevice
    } else if t.is_fifo() {
        DescriptorType::Fifo
    } else if t.is_socket() {
        DescriptorType::Socket
    } else {
        DescriptorType::Unknown
    }
}

impl WasiCtx {
    pub(crate) fn descriptor(&self, d: &Borrow<Descriptor>) -> Result<&Descriptor> {
        self.table.get(d)
    }
}

impl types::Host for WasiCtx {
    fn filesystem_error_code(&mut self, err: Borrow<IoError>) -> Result<Option<ErrorCode>> {
        Ok(self.table.get(&err)?.code)
    }
}

impl types::HostDirectoryEntryStream for WasiCtx {
    fn drop(&mut self, rep: Resource<DirectoryEntryStream>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn read_directory_entry(
        &mut self,
        this: Borrow<DirectoryEntryStream>,
    ) -> Result<Result<Option<types::DirectoryEntry>, ErrorCode>> {
        Ok(self.table.get_mut(&this)?.entries.next().transpose())
    }
}

impl preopens::Host for WasiCtx {
    fn get_directories(&mut self) -> Result<Vec<(Resource<Descriptor>, String)>> {
        Ok(self.preopened_descriptors())
    }
}

impl WasiCtx {
    /// A descriptor for each preopen, in the guest's table, with the name
    /// the guest knows it by.
    pub(crate) fn preopened_descriptors(&mut self) -> Vec<(Resource<Descriptor>, String)> {
        let dirs: Vec<_> = self
            .preopens
            .iter()
            .map(|p| {
                let d = Descriptor::Dir {
                    dir: p.dir.clone(),
                    perms: p.dir_perms,
                    file_perms: p.file_perms,
                };
                (d, p.guest_path.clone())
            })
            .collect();
        dirs.into_iter()
            .map(|(d, path)| (self.table.push(d), path))
            .collect()
    }
}
