// Inline WIT: the error gives the line within the string.
hostbind::bindgen!({
    inline: "
package a:b;

world plugin {
  import log: func(msg: string);
  import read: func(fd: u32) -> result<list<u8>, errno>;
}
",
});

fn main() {}
