#!/usr/bin/env python3
"""Writes the build-cost comparison: one WIT world of 10 imported interfaces
with 6 functions each, and two crates that bind it with every function
stubbed, one with hostbind's `bindgen!`, one with wasmtime's. Run by
measure.sh; the generated files are checked in so the two stay identical."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
N = 10

TYPES = """
    record rec { a: u32, b: string, c: list<u8> }
    variant var { none, num(u64), text(string) }
    enum en { one, two, three }
    flags fl { x, y, z }
"""
FUNCS = [
    ("f0", "func(a: u32, b: u32) -> u32", "a: u32, b: u32", "u32"),
    ("f1", "func(s: string) -> string", "s: String", "String"),
    ("f2", "func(r: rec) -> list<u8>", "r: Rec", "Vec<u8>"),
    ("f3", "func(xs: list<rec>) -> option<rec>", "xs: Vec<Rec>", "Option<Rec>"),
    ("f4", "func(v: var) -> result<u64, string>", "v: Var", "Result<u64, String>"),
    ("f5", "func(e: en, f: fl) -> tuple<u32, string>", "e: En, f: Fl", "(u32, String)"),
]


def wit():
    out = ["package bench:bind;\n"]
    for i in range(N):
        out.append(f"interface i{i} {{{TYPES}")
        for name, sig, _, _ in FUNCS:
            out.append(f"    {name}: {sig};")
        out.append("}\n")
    out.append("world bench {")
    for i in range(N):
        out.append(f"    import i{i};")
    out.append("}\n")
    return "\n".join(out)


def lib(kind):
    if kind == "hb":
        head = """//! hostbind's `bindgen!` over the generated world, every function stubbed.
hostbind::bindgen!({ path: "../wit", world: "bench", ownership: Owning });

pub struct State;

pub fn link(engine: &hostbind::Engine) -> hostbind::Result<hostbind::Linker<State>> {
    let mut linker = hostbind::Linker::new(engine);
    Bench::add_to_linker(&mut linker, |s: &mut State| s)?;
    Ok(linker)
}
"""
    else:
        head = """//! wasmtime's `bindgen!` over the generated world, every function stubbed.
wasmtime::component::bindgen!({ path: "../wit", world: "bench" });

pub struct State;

pub fn link(engine: &wasmtime::Engine) -> wasmtime::Result<wasmtime::component::Linker<State>> {
    let mut linker = wasmtime::component::Linker::new(engine);
    Bench::add_to_linker::<_, wasmtime::component::HasSelf<_>>(&mut linker, |s: &mut State| s)?;
    Ok(linker)
}
"""
    body = [head]
    for i in range(N):
        body.append(f"impl bench::bind::i{i}::Host for State {{")
        for name, _, params, ret in FUNCS:
            ps = ", ".join("_" + p for p in params.split(", "))
            body.append(f"    fn {name}(&mut self, {ps}) -> {ret.replace('Rec', f'bench::bind::i{i}::Rec')} {{")
            body.append("        unimplemented!()")
            body.append("    }")
        body.append("}\n")
    return "\n".join(body)


def fix_types(text):
    # Qualify the interface's own types in the stub signatures.
    lines = []
    iface = None
    for line in text.split("\n"):
        if line.startswith("impl bench::bind::i"):
            iface = line.split("::")[2]
        if iface and line.strip().startswith("fn "):
            for t in ["Rec", "Var", "En", "Fl"]:
                line = line.replace(f": {t}", f": bench::bind::{iface}::{t}")
                line = line.replace(f"<{t}>", f"<bench::bind::{iface}::{t}>")
        lines.append(line)
    return "\n".join(lines).replace("bench::bind::bench::bind::", "bench::bind::")


def write(path, text):
    path = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


write("wit/world.wit", wit())
for kind in ["hb", "wt"]:
    write(f"{kind}/src/lib.rs", fix_types(lib(kind)))
