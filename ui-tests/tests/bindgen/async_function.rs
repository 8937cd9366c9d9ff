hostbind::bindgen!({
    inline: "package a:b; interface api { resource conn { fetch: async func(url: string) -> string; } } world plugin { import api; }",
});

fn main() {}
