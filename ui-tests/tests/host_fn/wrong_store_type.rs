use hostbind::{Engine, Linker, host_fn};

struct Ctx;
struct Other;

#[host_fn]
fn f(_cx: &mut Ctx) {}

fn main() {
    let mut linker = Linker::<Other>::new(&Engine::default());
    linker.func("f", f).unwrap();
}
