//! The `hostbind` command, run as a user runs it: the C command guest with
//! a directory, arguments and environment, exit statuses, `--invoke` with
//! WAVE text, and clear errors for what is wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hostbind(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hostbind"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn guest() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/guests/c-command/c-command.wasm")
        .display()
        .to_string()
}

fn engines() -> Vec<&'static str> {
    if cfg!(feature = "wasmtime") {
        vec!["wasmi", "wasmtime"]
    } else {
        vec!["wasmi"]
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hostbind-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn runs_a_command_with_a_directory_arguments_and_environment() {
    for engine in engines() {
        let dir = scratch("run");
        std::fs::write(dir.join("input.txt"), "one\ntwo\n").unwrap();
        let mapped = format!("{}::/data", dir.display());
        let out = hostbind(&[
            "run",
            "--engine",
            engine,
            "--dir",
            &mapped,
            "--env",
            "GREETING=hey",
            &guest(),
            "report",
            "--x",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with("args: [c-command.wasm] [report] [--x]\nGREETING=hey\nfirst line: one\ninput.txt: 2 lines, 8 bytes\nwrote out.txt\n"), "{stdout}");
        assert_eq!(text(&out.stderr), "report done\n");
        assert_eq!(
            std::fs::read_to_string(dir.join("out.txt")).unwrap(),
            "2 lines\n"
        );

        let out = hostbind(&["run", "--engine", engine, &guest(), "exit", "7"]);
        assert_eq!(out.status.code(), Some(1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A reactor: `add`, and `classify` returning an enum.
const REACTOR: &str = r#"(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "classify") (param i32) (result i32) (i32.rem_u (local.get 0) (i32.const 3))))
  (core instance $i (instantiate $m))
  (type $kind (enum "zero" "one" "two"))
  (export $k "kind" (type $kind))
  (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func $classify (param "x" u32) (result $k) (canon lift (core func $i "classify")))
  (export "add" (func $add))
  (export "classify" (func $classify) (func (param "x" u32) (result $k))))"#;

#[test]
fn invokes_an_export_with_wave_text() {
    let dir = scratch("invoke");
    let reactor = dir.join("reactor.wasm");
    std::fs::write(&reactor, wat::parse_str(REACTOR).unwrap()).unwrap();
    let reactor = reactor.display().to_string();
    for engine in engines() {
        let out = hostbind(&[
            "run",
            "--engine",
            engine,
            "--invoke",
            "add(40, 2)",
            &reactor,
        ]);
        assert_eq!(
            (out.status.code(), text(&out.stdout)),
            (Some(0), "42\n".into()),
            "{}",
            text(&out.stderr)
        );
        let out = hostbind(&[
            "run",
            "--engine",
            engine,
            "--invoke",
            "classify(7)",
            &reactor,
        ]);
        assert_eq!(text(&out.stdout), "one\n");
        // A command's own `run`, called as any export: `cat` of an empty
        // stdin succeeds.
        let out = hostbind(&[
            "run",
            "--engine",
            engine,
            "--invoke",
            "wasi:cli/run@0.2.12#run()",
            &guest(),
            "cat",
        ]);
        assert_eq!(text(&out.stdout), "ok\n", "{}", text(&out.stderr));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn what_is_wrong_is_one_clear_error() {
    let dir = scratch("errors");
    let reactor = dir.join("reactor.wasm");
    std::fs::write(&reactor, wat::parse_str(REACTOR).unwrap()).unwrap();
    let reactor = reactor.display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "--invoke", "add(\"x\", 2)", &reactor],
            "the arguments of `add(\"x\", 2)` do not fit `add: func(a: u32, b: u32) -> u32`: invalid value type at 4..7",
        ),
        (
            &["run", "--invoke", "nope()", &reactor],
            "the component has no export `nope`",
        ),
        (
            &["run", "--invoke", "add(1", &reactor],
            "cannot read `--invoke add(1`",
        ),
        (
            &["run", &reactor],
            "the component is not a `wasi:cli/command` of WASI 0.3 or 0.2: the component has no export `wasi:cli/run@0.2.12#run`; it exports `kind`, `add`, `classify`",
        ),
        (
            &["run", "/nonexistent.wasm"],
            "cannot read `/nonexistent.wasm`",
        ),
        (
            &["run", "--env", "NOEQUALS", &guest()],
            "`--env NOEQUALS` is not of the form K=V",
        ),
        (
            &["run", "--dir", "/nonexistent-dir", &guest()],
            "cannot open the directory `/nonexistent-dir` to preopen",
        ),
    ];
    for (args, want) in cases {
        let out = hostbind(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(want),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // A guest stopped by fuel is a trap, reported as one error.
    let out = hostbind(&["run", "--fuel", "1000", &guest(), "report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("fuel"), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `hostbind compile` precompiles for wasmtime; `run --allow-precompiled`
/// runs the result as it runs the binary, and refuses it without the flag,
/// on wasmi, or compiled for another configuration, saying so.
#[cfg(feature = "wasmtime")]
#[test]
fn a_precompiled_component_runs_and_is_refused_where_it_does_not_fit() {
    let dir = scratch("compile");
    let cwasm = dir.join("c-command.cwasm").display().to_string();
    let out = hostbind(&["compile", &guest(), "-o", &cwasm]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bytes = std::fs::read(&cwasm).unwrap();
    assert!(bytes.starts_with(b"\0hostbind-cwasm\0"));

    std::fs::write(dir.join("input.txt"), "one\ntwo\n").unwrap();
    let data = format!("{}::/data", dir.display());
    let plain = hostbind(&["run", "--dir", &data, &guest(), "report"]);
    let pre = hostbind(&[
        "run",
        "--allow-precompiled",
        "--dir",
        &data,
        &cwasm,
        "report",
    ]);
    assert_eq!(pre.status.code(), Some(0), "{}", text(&pre.stderr));
    // The same output, but for the file name the guest is given.
    assert_eq!(
        text(&pre.stdout).replace("c-command.cwasm", "c-command.wasm"),
        text(&plain.stdout)
    );

    let refused: &[(&[&str], &str)] = &[
        (
            &["run", &cwasm],
            "is a precompiled component; run it with `--allow-precompiled`",
        ),
        (
            &["run", "--allow-precompiled", "--engine", "wasmi", &cwasm],
            "is precompiled for the wasmtime engine; wasmi runs component binaries only",
        ),
        (
            &["run", "--allow-precompiled", "--fuel", "1000000", &cwasm],
            "precompiled for another engine configuration (or wasmtime version)",
        ),
        (
            &["compile", "/nonexistent.wasm", "-o", &cwasm],
            "cannot read `/nonexistent.wasm`",
        ),
    ];
    for (args, want) in refused {
        let out = hostbind(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }

    // Compiled for metered runs, it runs with `--fuel`.
    let out = hostbind(&["compile", "--fuel", &guest(), "-o", &cwasm]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = hostbind(&[
        "run",
        "--allow-precompiled",
        "--fuel",
        "1000000000",
        "--dir",
        &data,
        &cwasm,
        "report",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Without the wasmtime engine there is nothing to precompile.
#[cfg(not(feature = "wasmtime"))]
#[test]
fn compile_needs_the_wasmtime_engine() {
    let out = hostbind(&["compile", &guest(), "-o", "/dev/null"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("built without the wasmtime engine"));
}

#[test]
fn runs_a_wasi_0_3_command_and_invokes_its_async_run() {
    let p3 = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/guests/c-command-p3/guest.wasm")
        .display()
        .to_string();
    for engine in engines() {
        let out = hostbind(&[
            "run",
            "--engine",
            engine,
            "--env",
            "GREETING=hi",
            &p3,
            "hello",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "hello from a WASI 0.3 C command\nargs: guest.wasm hello\nGREETING=hi\n"
        );
        let out = hostbind(&["run", "--engine", engine, &p3, "exit", "7"]);
        assert_eq!(out.status.code(), Some(7));
        assert_eq!(text(&out.stdout), "exiting\n");
        let out = hostbind(&[
            "run",
            "--engine",
            engine,
            "--invoke",
            "wasi:cli/run@0.3.0#run()",
            &p3,
            "sleep",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "slept 20 ms\nok\n");
    }
}
