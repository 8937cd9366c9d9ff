//! The `hostbind` command. `hostbind run` runs a WASI 0.2 or 0.3 component
//! on wasmi or wasmtime, as a command (its `wasi:cli/run`) or, with
//! `--invoke`, one export of it; `hostbind compile` precompiles one for the
//! wasmtime engine; `hostbind serve` answers HTTP requests with a
//! `wasi:http/proxy` (WASI 0.2) or `wasi:http/service` (WASI 0.3) handler.
//!
//! ```text
//! cargo install hostbind-cli --features wasmtime
//! hostbind run --dir ./data::/data --env GREETING=hi app.wasm report
//! hostbind run --invoke 'add(40, 2)' calc.wasm
//! hostbind compile app.wasm -o app.cwasm && hostbind run --allow-precompiled app.cwasm
//! hostbind serve --addr 127.0.0.1:8080 --timeout 10s handler.wasm
//! ```
//!
//! `hostbind help <command>` lists every option; `cli/tests` runs each of
//! these against real guests.

mod load;
mod serve;
mod wave;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, Subcommand, ValueEnum};
use hostbind::{Component, Linker, Store, Val};
use hostbind_wasi::{DirPerms, FilePerms, WasiCtx};

#[derive(Parser)]
#[command(
    name = "hostbind",
    version,
    about = "Runs WebAssembly components on wasmi or wasmtime"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a `wasi:cli/command` component, or calls one export with `--invoke`.
    ///
    /// e.g. `hostbind run --dir ./data::/data app.wasm input.txt`
    Run(RunArgs),
    /// Precompiles a component for the wasmtime engine, so that `hostbind run
    /// --allow-precompiled` (or `hostbind serve --allow-precompiled`) starts
    /// it without compiling.
    ///
    /// e.g. `hostbind compile app.wasm -o app.cwasm`
    Compile(CompileArgs),
    /// Answers HTTP requests with a `wasi:http/proxy` (WASI 0.2) or
    /// `wasi:http/service` (WASI 0.3) component, a fresh instance per
    /// request, until Ctrl-C.
    ///
    /// e.g. `hostbind serve --addr 127.0.0.1:8080 --timeout 10s handler.wasm`
    Serve(serve::ServeArgs),
}

#[derive(clap::Args)]
struct CompileArgs {
    /// The component, e.g. `app.wasm`.
    component: PathBuf,
    /// Where to write the precompiled component, e.g. `-o app.cwasm`.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Compiles for runs that meter fuel (`hostbind run --fuel N`): code
    /// compiled with and without metering differs, and each is refused by
    /// the other kind of run. E.g. `hostbind compile --fuel app.wasm -o
    /// app.cwasm`.
    #[arg(long)]
    fuel: bool,
    /// Compiles for runs that stop guests after a time (`hostbind serve
    /// --timeout 10s`), whose code checks for interruption. E.g. `hostbind
    /// compile --interruptible handler.wasm -o handler.cwasm`.
    #[arg(long)]
    interruptible: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum EngineArg {
    Wasmi,
    Wasmtime,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The core engine, e.g. `--engine wasmtime` [default: wasmi, or
    /// wasmtime for a precompiled component]
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// Lets the guest use a host directory: `HOST` (seen at the same path)
    /// or `HOST::GUEST`, e.g. `--dir ./data::/data`. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Sets an environment variable for the guest, e.g. `--env LANG=C`.
    /// Repeatable.
    #[arg(long = "env", value_name = "K=V")]
    envs: Vec<String>,
    /// Gives the guest this process's environment, e.g. `hostbind run
    /// --inherit-env app.wasm`.
    #[arg(long)]
    inherit_env: bool,
    /// Lets the guest use sockets and name lookup, e.g. `hostbind run
    /// --allow-network client.wasm`.
    #[arg(long)]
    allow_network: bool,
    /// Stops the guest after this much fuel (instructions, roughly), e.g.
    /// `--fuel 1000000000`.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Runs a component precompiled by `hostbind compile`, e.g. `hostbind
    /// run --allow-precompiled app.cwasm`. Its machine code runs as it is,
    /// with no check that a compiler made it: run only files you made
    /// yourself.
    #[arg(long)]
    allow_precompiled: bool,
    /// Calls this export instead of `wasi:cli/run`, e.g. `'greet("x", 1)'`
    /// or `'my:pkg/iface#f(1)'`, and prints its result as WAVE text.
    #[arg(long, value_name = "CALL")]
    invoke: Option<String>,
    /// The component, e.g. `app.wasm` (or `app.cwasm`, precompiled).
    component: PathBuf,
    /// Arguments for the guest (its first is the component's file name),
    /// e.g. `hostbind run app.wasm report --verbose`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

struct Data {
    wasi: WasiCtx,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => run(args),
        Command::Compile(args) => compile(args).map(|()| 0),
        Command::Serve(args) => serve::serve(args),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: {e:#}");
            // Distinct from a guest's own failure (1).
            ExitCode::from(2)
        }
    }
}

/// `hostbind compile`: the component compiled for the wasmtime engine.
fn compile(args: &CompileArgs) -> Result<()> {
    let engine = load::engine(EngineArg::Wasmtime, args.fuel, args.interruptible)?;
    let component = Component::from_file(&engine, &args.component)?;
    let bytes = component.serialize()?;
    std::fs::write(&args.output, bytes)
        .with_context(|| format!("cannot write `{}`", args.output.display()))
}

fn wasi(args: &RunArgs) -> Result<WasiCtx> {
    let mut b = WasiCtx::builder();
    let name = args
        .component
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    b.arg(name).args(args.args.iter().cloned()).inherit_stdio();
    if args.inherit_env {
        b.inherit_env();
    }
    for kv in &args.envs {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| anyhow!("`--env {kv}` is not of the form K=V"))?;
        b.env(k, v);
    }
    for dir in &args.dirs {
        let (host, guest) = dir.split_once("::").unwrap_or((dir, dir));
        b.preopened_dir(host, guest, DirPerms::all(), FilePerms::all())?;
    }
    b.allow_network(args.allow_network);
    Ok(b.build())
}

fn run(args: &RunArgs) -> Result<i32> {
    let needs = load::Needs {
        engine: args.engine,
        fuel: args.fuel.is_some(),
        interruptible: false,
        allow_precompiled: args.allow_precompiled,
    };
    let (engine, component) = load::component(&args.component, &needs)?;
    let mut linker = Linker::<Data>::new(&engine);
    hostbind_wasi::add_to_linker(&mut linker, |d| &mut d.wasi)?;
    let mut store = Store::new(&engine, Data { wasi: wasi(args)? });
    if let Some(fuel) = args.fuel {
        store.set_fuel(fuel)?;
    }
    match &args.invoke {
        None => hostbind_wasi::run_command(&mut store, &component, &linker),
        Some(call) => match invoke(&mut store, &component, &linker, call) {
            Ok(()) => Ok(0),
            // The guest chose to exit; that is its status, not an error.
            Err(e) => match e.downcast_ref::<hostbind_wasi::I32Exit>() {
                Some(exit) => Ok(exit.0),
                None => Err(e),
            },
        },
    }
}

/// Calls the export `call` names with its WAVE arguments; prints the result.
fn invoke(
    store: &mut Store<Data>,
    component: &Component,
    linker: &Linker<Data>,
    call: &str,
) -> Result<()> {
    // WAVE names plain functions; an interface's (`ns:pkg/iface#f`) is
    // split off here and the rest read as a call of a placeholder name of
    // the same length, so that WAVE's error offsets point into `call`.
    let open = call
        .find('(')
        .ok_or_else(|| anyhow!("cannot read `--invoke {call}`: expected `name(args..)`"))?;
    let (name, args_text) = call.split_at(open);
    let as_plain = format!("{}{args_text}", "f".repeat(name.len().max(1)));
    let parsed = wasm_wave::untyped::UntypedFuncCall::parse(&as_plain)
        .map_err(|e| anyhow!("cannot read `--invoke {call}`: {e}"))?;
    let instance = linker.instantiate(&mut *store, component)?;
    let func = instance.get_func(&mut *store, name)?;
    let ty = func.ty();
    let param_tys: Vec<_> = ty
        .params()
        .iter()
        .map(|(_, t)| wave::wave_type(t))
        .collect::<Result<_>>()?;
    let values: Vec<wasm_wave::value::Value> = parsed
        .to_wasm_params(param_tys.iter())
        .map_err(|e| anyhow!("the arguments of `{call}` do not fit `{name}: {ty}`: {e}"))?;
    let params: Vec<Val> = values
        .iter()
        .zip(ty.params())
        .map(|(v, (_, t))| wave::to_val(v, t))
        .collect::<Result<_>>()?;
    let mut results = vec![Val::Bool(false); ty.results().len()];
    func.call(&mut *store, &params, &mut results)
        .with_context(|| format!("calling `{name}`"))?;
    for (v, t) in results.iter().zip(ty.results()) {
        let text = wasm_wave::to_string(&wave::from_val(v, t)?)
            .map_err(|e| anyhow!("cannot write the result as WAVE: {e}"))?;
        println!("{text}");
    }
    Ok(())
}
