//! The methods of WASI 0.2's `wasi:filesystem/types/descriptor`: each finds
//! the descriptor in the guest's table and runs its operation (`ops.rs`).

use hostbind::{Borrow, Resource, Result};

use super::{Descriptor, DirectoryEntryStream, FilePerms};
use crate::bindings::wasi::filesystem::types::{
    self, Advice, DescriptorFlags, DescriptorStat, DescriptorType, ErrorCode, MetadataHashValue,
    NewTimestamp, OpenFlags, PathFlags,
};
use crate::ctx::WasiCtx;
use crate::io::{Input, InputStream, Output, OutputStream};

type Fs<T> = Result<Result<T, ErrorCode>>;

impl types::HostDescriptor for WasiCtx {
    fn drop(&mut self, rep: Resource<Descriptor>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }

    fn read_via_stream(
        &mut self,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Fs<Resource<InputStream>> {
        let file = tri!(self.descriptor(&this)?.file(FilePerms::READ)).clone();
        Ok(Ok(self
            .table
            .push(InputStream::new(Input::File { file, at: offset }))))
    }

    fn write_via_stream(
        &mut self,
        this: Borrow<Descriptor>,
        offset: u64,
    ) -> Fs<Resource<OutputStream>> {
        let file = tri!(self.descriptor(&this)?.file(FilePerms::WRITE)).clone();
        Ok(Ok(self.table.push(OutputStream::new(Output::File {
            file,
            at: Some(offset),
        }))))
    }

    fn append_via_stream(&mut self, this: Borrow<Descriptor>) -> Fs<Resource<OutputStream>> {
        let file = tri!(self.descriptor(&this)?.file(FilePerms::WRITE)).clone();
        Ok(Ok(self
            .table
            .push(OutputStream::new(Output::File { file, at: None }))))
    }

    fn advise(&mut self, this: Borrow<Descriptor>, _: u64, _: u64, _: Advice) -> Fs<()> {
        Ok(self.descriptor(&this)?.advise())
    }

    fn sync_data(&mut self, this: Borrow<Descriptor>) -> Fs<()> {
        Ok(self.descriptor(&this)?.sync_data())
    }

    fn get_flags(&mut self, this: Borrow<Descriptor>) -> Fs<DescriptorFlags> {
        Ok(Ok(self.descriptor(&this)?.flags()))
    }

    fn get_type(&mut self, this: Borrow<Descriptor>) -> Fs<DescriptorType> {
        Ok(self.descriptor(&this)?.kind())
    }

    fn set_size(&mut self, this: Borrow<Descriptor>, size: u64) -> Fs<()> {
        Ok(self.descriptor(&this)?.set_size(size))
    }

    fn set_times(
        &mut self,
        this: Borrow<Descriptor>,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        Ok(self.descriptor(&this)?.set_times(&atime, &mtime))
    }

    fn read(&mut self, this: Borrow<Descriptor>, length: u64, offset: u64) -> Fs<(Vec<u8>, bool)> {
        Ok(self.descriptor(&this)?.read(length, offset))
    }

    fn write(&mut self, this: Borrow<Descriptor>, buffer: &[u8], offset: u64) -> Fs<u64> {
        Ok(self.descriptor(&this)?.write(buffer, offset))
    }

    fn read_directory(&mut self, this: Borrow<Descriptor>) -> Fs<Resource<DirectoryEntryStream>> {
        let entries = tri!(self.descriptor(&this)?.entries());
        Ok(Ok(self.table.push(DirectoryEntryStream {
            entries: entries.into_iter(),
        })))
    }

    fn sync(&mut self, this: Borrow<Descriptor>) -> Fs<()> {
        Ok(self.descriptor(&this)?.sync())
    }

    fn create_directory_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<()> {
        Ok(self.descriptor(&this)?.create_directory_at(path))
    }

    fn stat(&mut self, this: Borrow<Descriptor>) -> Fs<DescriptorStat> {
        Ok(self.descriptor(&this)?.stat())
    }

    fn stat_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
    ) -> Fs<DescriptorStat> {
        Ok(self.descriptor(&this)?.stat_at(path_flags, path))
    }

    fn set_times_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
        atime: NewTimestamp,
        mtime: NewTimestamp,
    ) -> Fs<()> {
        Ok(self
            .descriptor(&this)?
            .set_times_at(path_flags, path, &atime, &mtime))
    }

    fn link_at(
        &mut self,
        this: Borrow<Descriptor>,
        old_path_flags: PathFlags,
        old_path: &str,
        new_descriptor: Borrow<Descriptor>,
        new_path: &str,
    ) -> Fs<()> {
        let new = self.descriptor(&new_descriptor)?;
        Ok(self
            .descriptor(&this)?
            .link_at(old_path_flags, old_path, new, new_path))
    }

    fn open_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
        open_flags: OpenFlags,
        flags: DescriptorFlags,
    ) -> Fs<Resource<Descriptor>> {
        let opened = tri!(
            self.descriptor(&this)?
                .open_at(path_flags, path, open_flags, flags)
        );
        Ok(Ok(self.table.push(opened)))
    }

    fn readlink_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<String> {
        Ok(self.descriptor(&this)?.readlink_at(path))
    }

    fn remove_directory_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<()> {
        Ok(self.descriptor(&this)?.remove_directory_at(path))
    }

    fn rename_at(
        &mut self,
        this: Borrow<Descriptor>,
        old_path: &str,
        new_descriptor: Borrow<Descriptor>,
        new_path: &str,
    ) -> Fs<()> {
        let new = self.descriptor(&new_descriptor)?;
        Ok(self.descriptor(&this)?.rename_at(old_path, new, new_path))
    }

    fn symlink_at(&mut self, this: Borrow<Descriptor>, old_path: &str, new_path: &str) -> Fs<()> {
        Ok(self.descriptor(&this)?.symlink_at(old_path, new_path))
    }

    fn unlink_file_at(&mut self, this: Borrow<Descriptor>, path: &str) -> Fs<()> {
        Ok(self.descriptor(&this)?.unlink_file_at(path))
    }

    fn is_same_object(
        &mut self,
        this: Borrow<Descriptor>,
        other: Borrow<Descriptor>,
    ) -> Result<bool> {
        Ok(self
            .descriptor(&this)?
            .is_same_object(self.descriptor(&other)?))
    }

    fn metadata_hash(&mut self, this: Borrow<Descriptor>) -> Fs<MetadataHashValue> {
        Ok(self.descriptor(&this)?.metadata_hash())
    }

    fn metadata_hash_at(
        &mut self,
        this: Borrow<Descriptor>,
        path_flags: PathFlags,
        path: &str,
    ) -> Fs<MetadataHashValue> {
        Ok(self.descriptor(&this)?.metadata_hash_at(path_flags, path))
    }
}
