//! An `async func` method of an imported resource, and a plain function
//! made async with `async_imports`, become methods that return futures.
use hostbind::{Access, Borrow, Engine, Linker, Resource};

hostbind::bindgen!({
    inline: "package a:b; interface api { resource conn { constructor(); fetch: async func(url: string) -> string; } ping: func() -> u32; } world plugin { import api; }",
    async_imports: ["a:b/api#ping"],
});

struct Host {
    fetched: u32,
}

impl a::b::api::HostConn for Host {
    fn new(&mut self) -> Resource<a::b::api::Conn> {
        Resource::new(0)
    }

    async fn fetch(access: Access<Self>, conn: Borrow<a::b::api::Conn>, url: String) -> String {
        let _ = access.with(|h| h.fetched += 1);
        format!("fetched {url} on {}", conn.rep())
    }

    fn drop(&mut self, _: Resource<a::b::api::Conn>) -> hostbind::Result<()> {
        Ok(())
    }
}

impl a::b::api::Host for Host {
    async fn ping(access: Access<Self>) -> u32 {
        access.with(|h| h.fetched).unwrap_or(0)
    }
}

fn main() {
    let engine = Engine::default();
    let mut linker = Linker::<Host>::new(&engine);
    Plugin::add_to_linker(&mut linker, |h| h).unwrap();
}
