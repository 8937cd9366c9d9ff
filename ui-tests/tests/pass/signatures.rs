use hostbind::{Caller, Engine, Linker, host_fn};

struct Ctx;

#[host_fn]
fn nothing() {}

#[host_fn]
fn data(cx: &mut Ctx, a: u32, b: &str, c: &[i64], d: Vec<Vec<String>>, e: (u8, char)) -> String {
    let _ = (cx, a, b, c, d, e);
    String::new()
}

#[host_fn]
fn caller(c: Caller<'_, Ctx>, at: u32) -> anyhow::Result<u8> {
    Ok(c.memory().get(at as usize).copied().unwrap_or(0))
}

#[host_fn]
pub fn fallible_unit() -> Result<(), std::io::Error> {
    Ok(())
}

fn main() {
    let mut linker = Linker::<Ctx>::new(&Engine::default());
    linker
        .func("nothing", nothing).unwrap()
        .func("data", data).unwrap()
        .func("caller", caller).unwrap()
        .func("fallible-unit", fallible_unit).unwrap();
}
