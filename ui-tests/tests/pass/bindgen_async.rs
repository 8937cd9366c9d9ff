//! A WIT `async func` import becomes a `Host` method that returns a future
//! and reaches the host through `Access<Self>`.
use hostbind::{Access, Engine, Linker};

hostbind::bindgen!({
    inline: "package a:b; interface api { fetch: async func(url: string) -> string; ping: func(); } world plugin { import api; export run: async func() -> u32; }",
});

struct Host {
    fetched: u32,
}

impl a::b::api::Host for Host {
    async fn fetch(access: Access<Self>, url: String) -> String {
        let _ = access.with(|h| h.fetched += 1);
        format!("fetched {url}")
    }

    fn ping(&mut self) {}
}

fn main() {
    let engine = Engine::default();
    let mut linker = Linker::<Host>::new(&engine);
    Plugin::add_to_linker(&mut linker, |h| h).unwrap();
}
