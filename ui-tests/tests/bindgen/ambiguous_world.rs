hostbind::bindgen!({
    inline: "
package a:main;
package a:dep@0.1.0 { world plugin {} }
package a:dep@0.2.0 { world plugin {} }
",
    world: "a:dep/plugin",
});

fn main() {}
