//! `bindgen!` with every option: a host type for a resource (`with`),
//! `trappable` imports, a getter into the store's data, borrowed params.

use hostbind::{Engine, EngineKind, Linker, Resource, ResourceTable};

pub struct File {
    path: String,
}

hostbind::bindgen!({
    inline: "
package a:b;
interface fs {
  resource file {
    constructor(path: string);
    path: func() -> string;
  }
  write: func(f: borrow<file>, bytes: list<u8>) -> result<u32, string>;
}
world plugin {
  import fs;
  export run: func(args: list<string>) -> u32;
}
",
    trappable: true,
    with: { "a:b/fs/file": File },
});

use a::b::fs::{Host, HostFile};

#[derive(Default)]
struct Files {
    table: ResourceTable,
}

impl HostFile for Files {
    fn new(&mut self, path: &str) -> hostbind::Result<Resource<File>> {
        Ok(self.table.push(File { path: path.into() }))
    }
    fn path(&mut self, this: hostbind::Borrow<File>) -> hostbind::Result<String> {
        Ok(self.table.get(&this)?.path.clone())
    }
    fn drop(&mut self, rep: Resource<File>) -> hostbind::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

impl Host for Files {
    fn write(
        &mut self,
        f: hostbind::Borrow<File>,
        bytes: &[u8],
    ) -> hostbind::Result<Result<u32, String>> {
        let _ = self.table.get(&f)?;
        Ok(Ok(bytes.len() as u32))
    }
}

struct Ctx {
    files: Files,
}

fn main() {
    let engine = Engine::new(EngineKind::Wasmi);
    let mut linker = Linker::<Ctx>::new(&engine);
    Plugin::add_to_linker(&mut linker, |cx: &mut Ctx| &mut cx.files).unwrap();
    let _ = Ctx { files: Files::default() };
}
