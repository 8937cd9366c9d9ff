//! `wasi:filesystem@0.3`: the same descriptors and sandbox as 0.2 (their
//! operations are `filesystem/ops.rs`), run on a thread of `blocking`'s
//! pool so that a slow disk holds up no task of the store, with reads,
//! writes and directory listings as streams. This file converts between
//! the two versions' types.

mod descriptor;

use hostbind::{Resource, Result};

use super::bindings::wasi::filesystem::{preopens, types as t3};
use crate::bindings::wasi::filesystem::types as t2;
use crate::ctx::WasiCtx;
use crate::filesystem::Descriptor;

impl preopens::Host for WasiCtx {
    fn get_directories(&mut self) -> Result<Vec<(Resource<Descriptor>, String)>> {
        Ok(self.preopened_descriptors())
    }
}

impl t3::Host for WasiCtx {}

/// Copies flags between two flags types with the same flag names.
macro_rules! same_flags {
    ($v:expr, $from:ident => $to:ident: $($flag:ident),* $(,)?) => {{
        let v = $v;
        let mut out = $to::empty();
        $(if v.contains($from::$flag) {
            out |= $to::$flag;
        })*
        out
    }};
}

/// 0.2's error code as 0.3 spells it.
pub(crate) fn code(c: t2::ErrorCode) -> t3::ErrorCode {
    use t2::ErrorCode as A;
    use t3::ErrorCode as B;
    same_cases!(c, A => B: Access, Already, BadDescriptor, Busy, Deadlock, Quota,
        Exist, FileTooLarge, IllegalByteSequence, InProgress, Interrupted, Invalid, Io,
        IsDirectory, Loop, TooManyLinks, MessageSize, NameTooLong, NoDevice, NoEntry,
        NoLock, InsufficientMemory, InsufficientSpace, NotDirectory, NotEmpty,
        NotRecoverable, Unsupported, NoTty, NoSuchDevice, Overflow, NotPermitted, Pipe,
        ReadOnly, InvalidSeek, TextFileBusy, CrossDevice;
        // 0.3 has no `would-block`: its calls wait instead.
        A::WouldBlock => B::Other(Some("would block".into())))
}

fn kind(t: t2::DescriptorType) -> t3::DescriptorType {
    use t2::DescriptorType as A;
    use t3::DescriptorType as B;
    same_cases!(t, A => B: BlockDevice, CharacterDevice, Directory, Fifo, SymbolicLink,
        RegularFile, Socket; A::Unknown => B::Other(None))
}

fn instant(
    d: Option<crate::bindings::wasi::clocks::wall_clock::Datetime>,
) -> Option<super::bindings::wasi::clocks::system_clock::Instant> {
    let d = d?;
    Some(super::bindings::wasi::clocks::system_clock::Instant {
        seconds: i64::try_from(d.seconds).ok()?,
        nanoseconds: d.nanoseconds,
    })
}

fn stat(s: t2::DescriptorStat) -> t3::DescriptorStat {
    t3::DescriptorStat {
        r#type: kind(s.r#type),
        link_count: s.link_count,
        size: s.size,
        data_access_timestamp: instant(s.data_access_timestamp),
        data_modification_timestamp: instant(s.data_modification_timestamp),
        status_change_timestamp: instant(s.status_change_timestamp),
    }
}

fn entry(e: t2::DirectoryEntry) -> t3::DirectoryEntry {
    t3::DirectoryEntry {
        r#type: kind(e.r#type),
        name: e.name,
    }
}

fn hash(h: t2::MetadataHashValue) -> t3::MetadataHashValue {
    t3::MetadataHashValue {
        lower: h.lower,
        upper: h.upper,
    }
}

fn descriptor_flags_out(f: t2::DescriptorFlags) -> t3::DescriptorFlags {
    use t2::DescriptorFlags as A;
    use t3::DescriptorFlags as B;
    same_flags!(f, A => B: READ, WRITE, FILE_INTEGRITY_SYNC, DATA_INTEGRITY_SYNC,
        REQUESTED_WRITE_SYNC, MUTATE_DIRECTORY)
}

fn descriptor_flags_in(f: t3::DescriptorFlags) -> t2::DescriptorFlags {
    use t2::DescriptorFlags as B;
    use t3::DescriptorFlags as A;
    same_flags!(f, A => B: READ, WRITE, FILE_INTEGRITY_SYNC, DATA_INTEGRITY_SYNC,
        REQUESTED_WRITE_SYNC, MUTATE_DIRECTORY)
}

fn path_flags(f: t3::PathFlags) -> t2::PathFlags {
    use t2::PathFlags as B;
    use t3::PathFlags as A;
    same_flags!(f, A => B: SYMLINK_FOLLOW)
}

fn open_flags(f: t3::OpenFlags) -> t2::OpenFlags {
    use t2::OpenFlags as B;
    use t3::OpenFlags as A;
    same_flags!(f, A => B: CREATE, DIRECTORY, EXCLUSIVE, TRUNCATE)
}

/// 0.3's new timestamp in 0.2's terms; a time before 1970 is refused
/// with `invalid`, as the host's file times cannot be set to one here.
fn timestamp(t: t3::NewTimestamp) -> core::result::Result<t2::NewTimestamp, t2::ErrorCode> {
    Ok(match t {
        t3::NewTimestamp::NoChange => t2::NewTimestamp::NoChange,
        t3::NewTimestamp::Now => t2::NewTimestamp::Now,
        t3::NewTimestamp::Timestamp(i) => {
            t2::NewTimestamp::Timestamp(crate::bindings::wasi::clocks::wall_clock::Datetime {
                seconds: u64::try_from(i.seconds).map_err(|_| t2::ErrorCode::Invalid)?,
                nanoseconds: i.nanoseconds,
            })
        }
    })
}
