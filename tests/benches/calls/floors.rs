//! The floors: what an expert writes by hand on each engine's core API, with
//! the same checks the canonical ABI demands (bounds, alignment, UTF-8).

use std::hint::black_box;

use super::Batch;
use super::guest::{self, N};

/// Bounds-checked `len` bytes at `ptr`.
fn slice(mem: &[u8], ptr: i32, len: usize) -> Option<&[u8]> {
    let start = ptr as u32 as usize;
    mem.get(start..start.checked_add(len)?)
}

fn sum_u32(mem: &[u8], ptr: i32, len: i32) -> Option<u64> {
    if ptr % 4 != 0 {
        return None;
    }
    let bytes = slice(mem, ptr, (len as u32 as usize).checked_mul(4)?)?;
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| u64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .sum(),
    )
}

fn write(mem: &mut [u8], at: i32, bytes: &[u8]) -> Option<()> {
    let start = at as u32 as usize;
    mem.get_mut(start..start.checked_add(bytes.len())?)?
        .copy_from_slice(bytes);
    Some(())
}

/// `(ptr, len)` of the string `echo` returned at `ret`, as UTF-8.
fn read_ret(mem: &[u8], ret: i32) -> Option<String> {
    let r = slice(mem, ret, 8)?;
    let ptr = i32::from_le_bytes([r[0], r[1], r[2], r[3]]);
    let len = u32::from_le_bytes([r[4], r[5], r[6], r[7]]) as usize;
    Some(std::str::from_utf8(slice(mem, ptr, len)?).ok()?.to_owned())
}

/// Store data of the wasmtime floor: the guest's memory and realloc,
/// looked up once.
#[derive(Default)]
pub struct WtData {
    memory: Option<wasmtime::Memory>,
    realloc: Option<wasmtime::TypedFunc<(i32, i32, i32, i32), i32>>,
}

fn wt_err(what: &str) -> wasmtime::Error {
    wasmtime::Error::msg(what.to_string())
}

/// An error the optimiser cannot prove away: a closure that only returns
/// `Ok` compiles as an infallible one, and would not measure what a host
/// function that can trap costs. Always inlined, as a host function's own
/// check would be: whether rustc inlined it depended on which codegen unit
/// the closures landed in, and the floors moved by up to a third between
/// builds of the same code.
#[inline(always)]
fn may_fail() -> wasmtime::Result<()> {
    if std::hint::black_box(false) {
        return Err(wt_err("trap"));
    }
    Ok(())
}

/// [`may_fail`] for wasmi's floor.
#[inline(always)]
fn may_fail_wasmi() -> Result<(), wasmi::Error> {
    if std::hint::black_box(false) {
        return Err(wi_err("trap"));
    }
    Ok(())
}

/// The wasmtime floor's engine, module and linker of hand-written host functions.
pub fn wasmtime_linker() -> (wasmtime::Engine, wasmtime::Module, wasmtime::Linker<WtData>) {
    wasmtime_linker_of(false)
}

/// The same, with `fallible` host functions that return `wasmtime::Result`
/// everywhere (as a component's host function must, since any may trap).
fn wasmtime_linker_of(
    fallible: bool,
) -> (wasmtime::Engine, wasmtime::Module, wasmtime::Linker<WtData>) {
    use wasmtime::{Caller, Engine, Linker, Module};
    let engine = Engine::default();
    let wasm = wat::parse_str(guest::core_module(true)).expect("the guest parses");
    let module = Module::new(&engine, &wasm).expect("the guest compiles");
    let mut linker = Linker::<WtData>::new(&engine);
    if fallible {
        linker
            .func_wrap("host", "noop", || -> wasmtime::Result<()> {
                may_fail()?;
                Ok(())
            })
            .expect("noop");
        linker
            .func_wrap("host", "add", |a: i32, b: i32| -> wasmtime::Result<i32> {
                may_fail()?;
                Ok(a.wrapping_add(b))
            })
            .expect("add");
        linker
            .func_wrap(
                "host",
                "norm",
                |x: f64, y: f64, z: f64| -> wasmtime::Result<f64> {
                    may_fail()?;
                    Ok((x * x + y * y + z * z).sqrt())
                },
            )
            .expect("norm");
    } else {
        linker.func_wrap("host", "noop", || {}).expect("noop");
        linker
            .func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))
            .expect("add");
        linker
            .func_wrap("host", "norm", |x: f64, y: f64, z: f64| {
                (x * x + y * y + z * z).sqrt()
            })
            .expect("norm");
    }
    linker
        .func_wrap(
            "host",
            "take-str",
            |c: Caller<'_, WtData>, p: i32, l: i32| {
                let mem = c.data().memory.ok_or_else(|| wt_err("no memory"))?.data(&c);
                let s = slice(mem, p, l as u32 as usize).ok_or_else(|| wt_err("out of bounds"))?;
                Ok(std::str::from_utf8(s)?.len() as i32)
            },
        )
        .expect("take-str");
    linker
        .func_wrap("host", "make-str", |mut c: Caller<'_, WtData>, ret: i32| {
            let s = guest::big();
            let realloc = c
                .data()
                .realloc
                .clone()
                .ok_or_else(|| wt_err("no realloc"))?;
            let ptr = realloc.call(&mut c, (0, 0, 1, s.len() as i32))?;
            let mem = c
                .data()
                .memory
                .ok_or_else(|| wt_err("no memory"))?
                .data_mut(&mut c);
            write(mem, ptr, s.as_bytes()).ok_or_else(|| wt_err("out of bounds"))?;
            let mut pair = [0; 8];
            pair[..4].copy_from_slice(&ptr.to_le_bytes());
            pair[4..].copy_from_slice(&(s.len() as u32).to_le_bytes());
            write(mem, ret, &pair).ok_or_else(|| wt_err("out of bounds"))
        })
        .expect("make-str");
    linker
        .func_wrap("host", "sum", |c: Caller<'_, WtData>, p: i32, l: i32| {
            let mem = c.data().memory.ok_or_else(|| wt_err("no memory"))?.data(&c);
            sum_u32(mem, p, l)
                .map(|s| s as i64)
                .ok_or_else(|| wt_err("bad list"))
        })
        .expect("sum");
    linker
        .func_wrap("host", "check", |mut c: Caller<'_, WtData>, ret: i32| {
            let mem = c
                .data()
                .memory
                .ok_or_else(|| wt_err("no memory"))?
                .data_mut(&mut c);
            let mut out = [0u8; 8];
            out[4..].copy_from_slice(&7u32.to_le_bytes());
            write(mem, ret, &out).ok_or_else(|| wt_err("out of bounds"))
        })
        .expect("check");
    (engine, module, linker)
}

/// One batch of `case` on hand-written glue over wasmtime's core API.
pub fn wasmtime_core(case: &str) -> Batch {
    wasmtime_core_of(case, false)
}

/// The same, every host function returning `wasmtime::Result`.
pub fn wasmtime_core_fallible(case: &str) -> Batch {
    wasmtime_core_of(case, true)
}

fn wasmtime_core_of(case: &str, fallible: bool) -> Batch {
    use wasmtime::Store;
    let (engine, module, linker) = match fallible {
        true => wasmtime_linker_of(true),
        false => wasmtime_linker(),
    };
    let mut store = Store::new(&engine, WtData::default());
    let inst = linker
        .instantiate(&mut store, &module)
        .expect("the guest instantiates");
    let memory = inst.get_memory(&mut store, "memory").expect("memory");
    let realloc = inst
        .get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, "realloc")
        .expect("realloc");
    store.data_mut().memory = Some(memory);
    store.data_mut().realloc = Some(realloc.clone());
    if case == "echo" {
        let echo = inst
            .get_typed_func::<(i32, i32), i32>(&mut store, "echo")
            .expect("echo");
        return Box::new(move || {
            for _ in 0..N {
                let s = black_box(guest::S16).as_bytes();
                let ptr = realloc
                    .call(&mut store, (0, 0, 1, s.len() as i32))
                    .expect("realloc");
                write(memory.data_mut(&mut store), ptr, s).expect("in bounds");
                let ret = echo.call(&mut store, (ptr, s.len() as i32)).expect("echo");
                black_box(read_ret(memory.data(&store), ret).expect("a string"));
            }
        });
    }
    let f = inst
        .get_typed_func::<i32, ()>(&mut store, &format!("run-{case}"))
        .expect("the loop export");
    Box::new(move || f.call(&mut store, N as i32).expect("the loop runs"))
}

/// Store data of the wasmi floor.
#[derive(Default)]
pub struct WiData {
    memory: Option<wasmi::Memory>,
    realloc: Option<wasmi::TypedFunc<(i32, i32, i32, i32), i32>>,
}

fn wi_err(what: &str) -> wasmi::Error {
    wasmi::Error::new(what.to_string())
}

/// The wasmi floor's engine, module and linker of hand-written host functions.
pub fn wasmi_linker() -> (wasmi::Engine, wasmi::Module, wasmi::Linker<WiData>) {
    wasmi_linker_of(false)
}

/// The same, with `fallible` host functions that return a `Result`
/// everywhere.
fn wasmi_linker_of(fallible: bool) -> (wasmi::Engine, wasmi::Module, wasmi::Linker<WiData>) {
    use wasmi::{Caller, Engine, Linker, Module};
    let engine = Engine::default();
    let wasm = wat::parse_str(guest::core_module(true)).expect("the guest parses");
    let module = Module::new(&engine, &wasm[..]).expect("the guest compiles");
    let mut linker = Linker::<WiData>::new(&engine);
    if fallible {
        linker
            .func_wrap("host", "noop", || -> Result<(), wasmi::Error> {
                may_fail_wasmi()?;
                Ok(())
            })
            .expect("noop");
        linker
            .func_wrap(
                "host",
                "add",
                |a: i32, b: i32| -> Result<i32, wasmi::Error> {
                    may_fail_wasmi()?;
                    Ok(a.wrapping_add(b))
                },
            )
            .expect("add");
        linker
            .func_wrap(
                "host",
                "norm",
                |x: f64, y: f64, z: f64| -> Result<f64, wasmi::Error> {
                    may_fail_wasmi()?;
                    Ok((x * x + y * y + z * z).sqrt())
                },
            )
            .expect("norm");
    } else {
        linker.func_wrap("host", "noop", || {}).expect("noop");
        linker
            .func_wrap("host", "add", |a: i32, b: i32| a.wrapping_add(b))
            .expect("add");
        linker
            .func_wrap("host", "norm", |x: f64, y: f64, z: f64| {
                (x * x + y * y + z * z).sqrt()
            })
            .expect("norm");
    }
    linker
        .func_wrap(
            "host",
            "take-str",
            |c: Caller<'_, WiData>, p: i32, l: i32| {
                let mem = c.data().memory.ok_or_else(|| wi_err("no memory"))?.data(&c);
                let s = slice(mem, p, l as u32 as usize).ok_or_else(|| wi_err("out of bounds"))?;
                std::str::from_utf8(s)
                    .map(|s| s.len() as i32)
                    .map_err(|_| wi_err("bad utf-8"))
            },
        )
        .expect("take-str");
    linker
        .func_wrap("host", "make-str", |mut c: Caller<'_, WiData>, ret: i32| {
            let s = guest::big();
            let realloc = c.data().realloc.ok_or_else(|| wi_err("no realloc"))?;
            let ptr = realloc.call(&mut c, (0, 0, 1, s.len() as i32))?;
            let mem = c
                .data()
                .memory
                .ok_or_else(|| wi_err("no memory"))?
                .data_mut(&mut c);
            write(mem, ptr, s.as_bytes()).ok_or_else(|| wi_err("out of bounds"))?;
            let mut pair = [0; 8];
            pair[..4].copy_from_slice(&ptr.to_le_bytes());
            pair[4..].copy_from_slice(&(s.len() as u32).to_le_bytes());
            write(mem, ret, &pair).ok_or_else(|| wi_err("out of bounds"))
        })
        .expect("make-str");
    linker
        .func_wrap("host", "sum", |c: Caller<'_, WiData>, p: i32, l: i32| {
            let mem = c.data().memory.ok_or_else(|| wi_err("no memory"))?.data(&c);
            sum_u32(mem, p, l)
                .map(|s| s as i64)
                .ok_or_else(|| wi_err("bad list"))
        })
        .expect("sum");
    linker
        .func_wrap("host", "check", |mut c: Caller<'_, WiData>, ret: i32| {
            let mem = c
                .data()
                .memory
                .ok_or_else(|| wi_err("no memory"))?
                .data_mut(&mut c);
            let mut out = [0u8; 8];
            out[4..].copy_from_slice(&7u32.to_le_bytes());
            write(mem, ret, &out).ok_or_else(|| wi_err("out of bounds"))
        })
        .expect("check");
    (engine, module, linker)
}

/// One batch of `case` on hand-written glue over wasmi's core API.
pub fn wasmi_core(case: &str) -> Batch {
    wasmi_core_of(case, false)
}

/// The same, every host function returning a `Result`.
pub fn wasmi_core_fallible(case: &str) -> Batch {
    wasmi_core_of(case, true)
}

fn wasmi_core_of(case: &str, fallible: bool) -> Batch {
    use wasmi::Store;
    let (engine, module, linker) = match fallible {
        true => wasmi_linker_of(true),
        false => wasmi_linker(),
    };
    let mut store = Store::new(&engine, WiData::default());
    let inst = linker
        .instantiate_and_start(&mut store, &module)
        .expect("the guest instantiates");
    let memory = inst.get_memory(&store, "memory").expect("memory");
    let realloc = inst
        .get_typed_func::<(i32, i32, i32, i32), i32>(&store, "realloc")
        .expect("realloc");
    store.data_mut().memory = Some(memory);
    store.data_mut().realloc = Some(realloc);
    if case == "echo" {
        let echo = inst
            .get_typed_func::<(i32, i32), i32>(&store, "echo")
            .expect("echo");
        return Box::new(move || {
            for _ in 0..N {
                let s = black_box(guest::S16).as_bytes();
                let ptr = realloc
                    .call(&mut store, (0, 0, 1, s.len() as i32))
                    .expect("realloc");
                write(memory.data_mut(&mut store), ptr, s).expect("in bounds");
                let ret = echo.call(&mut store, (ptr, s.len() as i32)).expect("echo");
                black_box(read_ret(memory.data(&store), ret).expect("a string"));
            }
        });
    }
    let f = inst
        .get_typed_func::<i32, ()>(&store, &format!("run-{case}"))
        .expect("the loop export");
    Box::new(move || f.call(&mut store, N as i32).expect("the loop runs"))
}
