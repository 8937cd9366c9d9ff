// Each mistake in the options is its own error.
hostbind::bindgen!({
    inline: "package a:b; world plugin {}",
    tracing: true,
    world: "plugin",
    world: "other",
    trappable: false,
    trappable: true,
});

fn main() {}
