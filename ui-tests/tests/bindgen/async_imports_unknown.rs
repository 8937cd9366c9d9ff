hostbind::bindgen!({
    inline: "package a:b; interface api { f: func(); } world plugin { import api; import g: func(); }",
    // `f` is in an interface: its full name is `a:b/api#f`.
    async_imports: ["g", "f"],
});

fn main() {}
