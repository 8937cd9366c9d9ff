// `with` must name a resource the world imports, and says which there are.
pub struct MyFile;

hostbind::bindgen!({
    inline: "
package a:b;
interface fs {
  resource file;
  open: func(path: string) -> file;
}
world plugin { import fs; }
",
    with: { "a:b/fs/fiel": MyFile },
});

fn main() {}
