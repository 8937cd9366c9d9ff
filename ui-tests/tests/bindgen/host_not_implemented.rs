// Store data that does not implement the imports' `Host` is reported on
// the getter's type, naming the interface.
use hostbind::{Engine, EngineKind, Linker};

hostbind::bindgen!({
    inline: "
package a:b;
interface log { write: func(msg: string); }
world plugin { import log; }
",
});

struct Ctx;

fn main() {
    let engine = Engine::new(EngineKind::Wasmi);
    let mut linker = Linker::<Ctx>::new(&engine);
    Plugin::add_to_linker(&mut linker, |cx| cx).unwrap();
}
