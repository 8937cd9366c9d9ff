// `fetch` is an `async func`: its method takes `Access<Self>` and returns
// a future; a synchronous method is not that method.
hostbind::bindgen!({
    inline: "package a:b; interface api { fetch: async func(url: string) -> string; } world plugin { import api; }",
});

struct Host;

impl a::b::api::Host for Host {
    fn fetch(&mut self, url: String) -> String {
        url
    }
}

fn main() {}
