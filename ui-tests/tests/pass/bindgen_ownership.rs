//! `bindgen!`'s `ownership`: `Owning` gives every import param wasmtime's
//! owned type; `Borrowing` (the default) lends strings and byte lists,
//! `Cow<str>` inside options and lists. Both compile against one WIT.

use std::borrow::Cow;


mod owning {
    hostbind::bindgen!({
        inline: "
package a:b;
interface api { f: func(s: string, b: list<u8>, o: option<string>, l: list<string>) -> u32; }
world w { import api; }
",
        ownership: Owning,
    });

    pub struct H;

    impl a::b::api::Host for H {
        fn f(&mut self, s: String, b: Vec<u8>, o: Option<String>, l: Vec<String>) -> u32 {
            (s.len() + b.len() + o.map_or(0, |o| o.len()) + l.len()) as u32
        }
    }
}

mod borrowing {
    use super::Cow;

    hostbind::bindgen!({
        inline: "
package a:b;
interface api { f: func(s: string, b: list<u8>, o: option<string>, l: list<string>) -> u32; }
world w { import api; }
",
        ownership: Borrowing,
    });

    pub struct H;

    impl a::b::api::Host for H {
        fn f(&mut self, s: &str, b: &[u8], o: Option<Cow<'_, str>>, l: Vec<Cow<'_, str>>) -> u32 {
            (s.len() + b.len() + o.map_or(0, |o| o.len()) + l.len()) as u32
        }
    }
}

fn main() {
    let e = hostbind::Engine::default();
    let mut l = hostbind::Linker::<owning::H>::new(&e);
    owning::W::add_to_linker(&mut l, |h| h).unwrap();
    let mut l = hostbind::Linker::<borrowing::H>::new(&e);
    borrowing::W::add_to_linker(&mut l, |h| h).unwrap();
}
