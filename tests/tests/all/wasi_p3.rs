//! WASI 0.3 through hostbind-wasi: a wit-bindgen C command with 0.3
//! bindings (`tests/guests/c-command-p3`) and a componentize-py command
//! (`tests/guests/python-p3`, which imports WASI 0.2 for CPython beside
//! 0.3), on both engines, printing what wasmtime 49's CLI (`wasmtime run
//! -Sp3`) prints for the same runs; their sandbox; and one linker serving
//! a 0.2 and a 0.3 guest.

use std::io::{Read, Write};

use hostbind::{Component, Engine, Linker, Store};
use hostbind_tests::engines;
use hostbind_wasi::{DirPerms, FilePerms, InputPipe, OutputPipe, WasiCtx, WasiCtxBuilder};

const P3_COMMAND: &[u8] = include_bytes!("../../guests/c-command-p3/guest.wasm");
const P2_COMMAND: &[u8] = include_bytes!("../../guests/c-command/c-command.wasm");

struct Data {
    wasi: WasiCtx,
}

fn linker(engine: &Engine) -> Linker<Data> {
    let mut linker = Linker::<Data>::new(engine);
    hostbind_wasi::add_to_linker(&mut linker, |d| &mut d.wasi).unwrap();
    linker
}

/// Runs the C 0.3 command with `args`; its exit code and stdout.
fn run(engine: &Engine, args: &[&str], build: impl FnOnce(&mut WasiCtxBuilder)) -> (i32, String) {
    let component = Component::new(engine, P3_COMMAND).unwrap();
    run_component(engine, &component, args, build)
}

/// Runs a 0.3 command with `args`; its exit code and stdout.
fn run_component(
    engine: &Engine,
    component: &Component,
    args: &[&str],
    build: impl FnOnce(&mut WasiCtxBuilder),
) -> (i32, String) {
    let stdout = OutputPipe::new();
    let mut b = WasiCtx::builder();
    b.arg("guest.wasm")
        .args(args.iter().copied())
        .stdout(stdout.clone());
    build(&mut b);
    let mut store = Store::new(engine, Data { wasi: b.build() });
    let code = hostbind_wasi::run_command(&mut store, component, &linker(engine)).unwrap();
    (code, String::from_utf8(stdout.contents()).unwrap())
}

/// A directory `data` to preopen, with a symlink out of it, beside an
/// `outside.txt` the guest must not reach.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hostbind-p3-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("outside.txt"), "secret\n").unwrap();
    std::os::unix::fs::symlink("/etc", dir.join("data/link-out")).unwrap();
    dir
}

/// A loopback listener that answers one connection's `ping` with `pong`;
/// its port, and the thread, which returns what it was sent.
fn pong_server() -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got).unwrap();
        s.write_all(format!("pong to {got}").as_bytes()).unwrap();
        got
    });
    (port, server)
}

#[test]
fn the_p3_command_reads_its_arguments_and_environment() {
    for engine in engines() {
        let (code, out) = run(&engine, &["hello", "a", "b"], |b| {
            b.env("GREETING", "hi").env("OTHER", "x");
        });
        assert_eq!(code, 0);
        assert_eq!(
            out,
            "hello from a WASI 0.3 C command\nargs: guest.wasm hello a b\nGREETING=hi\n"
        );
    }
}

#[test]
fn the_p3_command_streams_stdin_to_stdout() {
    // More than one chunk of the host's copy, so the stream goes round.
    let input: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
    for engine in engines() {
        let (code, out) = run(&engine, &["cat"], |b| {
            b.stdin(InputPipe::new(input.clone()));
        });
        assert_eq!(code, 0);
        assert_eq!(out.len(), input.len());
        assert!(out == input, "stdin came out changed");
    }
}

#[test]
fn the_p3_command_sleeps_uses_random_and_exits_with_a_status() {
    for engine in engines() {
        assert_eq!(
            run(&engine, &["sleep"], |_| {}),
            (0, "slept 20 ms\n".into())
        );
        assert_eq!(
            run(&engine, &["random"], |_| {}),
            (0, "random bytes: 32\n".into())
        );
        assert_eq!(
            run(&engine, &["exit", "7"], |_| {}),
            (7, "exiting\n".into())
        );
        assert_eq!(
            run(&engine, &["nonsense"], |_| {}),
            (1, "unknown mode\n".into())
        );
    }
}

#[test]
fn the_p3_command_writes_reads_and_lists_files_but_cannot_leave_its_preopen() {
    for (i, engine) in engines().into_iter().enumerate() {
        let dir =
            std::env::temp_dir().join(format!("hostbind-p3-files-{}-{i}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("outside.txt"), "secret\n").unwrap();
        std::os::unix::fs::symlink("/etc", dir.join("data/link-out")).unwrap();
        let data = dir.join("data");
        let (code, out) = run(&engine, &["files"], |b| {
            b.preopened_dir(&data, "/data", DirPerms::all(), FilePerms::all())
                .unwrap();
        });
        assert_eq!(code, 0);
        let mut lines: Vec<&str> = out.lines().collect();
        // The listing comes in the directory's order; sort its two lines.
        lines[3..5].sort_unstable();
        assert_eq!(
            lines,
            [
                "preopen: /data",
                "write: ok",
                "read back: written by a WASI 0.3 guest",
                "entry: link-out",
                "entry: note.txt",
                "open ../outside.txt: not-permitted",
                "open /etc/hostname: not-permitted",
                "open link-out/hostname: not-permitted",
            ]
        );
        assert_eq!(
            std::fs::read_to_string(data.join("note.txt")).unwrap(),
            "written by a WASI 0.3 guest\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn the_p3_command_talks_tcp_only_when_the_network_is_allowed() {
    for engine in engines() {
        let (port, server) = pong_server();
        let (code, out) = run(&engine, &["tcp", &port], |b| {
            b.allow_network(true);
        });
        assert_eq!(server.join().unwrap(), "ping\n");
        assert_eq!(code, 0);
        assert_eq!(out, "connected\nsent\nreply: pong to ping\nreceive: ok\n");
        // Denied by default: the socket cannot even be made.
        let (code, out) = run(&engine, &["tcp", &port], |_| {});
        assert_eq!((code, out.as_str()), (0, "create: refused\n"));
    }
}

#[test]
fn one_linker_serves_a_wasi_0_2_and_a_wasi_0_3_guest() {
    for engine in engines() {
        let linker = linker(&engine);
        for (guest, args, expect) in [
            (
                P3_COMMAND,
                vec!["guest.wasm", "random"],
                "random bytes: 32\n",
            ),
            (P2_COMMAND, vec!["c-command", "cat"], "from one linker\n"),
        ] {
            let component = Component::new(&engine, guest).unwrap();
            let stdout = OutputPipe::new();
            let wasi = WasiCtx::builder()
                .args(args)
                .stdin(InputPipe::new("from one linker\n"))
                .stdout(stdout.clone())
                .build();
            let mut store = Store::new(&engine, Data { wasi });
            let code = hostbind_wasi::run_command(&mut store, &component, &linker).unwrap();
            assert_eq!(code, 0);
            assert_eq!(String::from_utf8(stdout.contents()).unwrap(), expect);
        }
    }
}

const PYTHON_P3: &[u8] = include_bytes!("../../guests/python-p3/guest.wasm.gz");

#[test]
fn the_python_p3_command_does_what_the_c_one_does() {
    let guest = crate::wasi::gunzip(PYTHON_P3);
    for (i, engine) in engines().into_iter().enumerate() {
        // CPython is compiled once per engine and run in a store per mode.
        let py = Component::new(&engine, &guest).unwrap();
        let run = |args: &[&str], build: &dyn Fn(&mut WasiCtxBuilder)| {
            run_component(&engine, &py, args, build)
        };
        assert_eq!(
            run(&["hello", "a"], &|b| {
                b.env("GREETING", "hi");
            }),
            (
                0,
                "hello from a WASI 0.3 Python command\nargs: guest.wasm hello a\nGREETING=hi\n"
                    .into()
            )
        );
        let input: String = (0..5_000).map(|i| format!("line {i}\n")).collect();
        let (code, out) = run(&["cat"], &|b| {
            b.stdin(InputPipe::new(input.clone()));
        });
        assert_eq!(code, 0);
        assert!(out == input, "stdin came out changed");
        assert_eq!(run(&["sleep"], &|_| {}), (0, "slept 20 ms\n".into()));
        assert_eq!(run(&["random"], &|_| {}), (0, "random bytes: 32\n".into()));
        assert_eq!(run(&["exit", "7"], &|_| {}), (7, "exiting\n".into()));
        assert_eq!(run(&["nonsense"], &|_| {}), (1, "unknown mode\n".into()));

        let dir = scratch(&format!("py-files-{i}"));
        let data = dir.join("data");
        let (code, out) = run(&["files"], &|b| {
            b.preopened_dir(&data, "/data", DirPerms::all(), FilePerms::all())
                .unwrap();
        });
        assert_eq!(code, 0);
        assert_eq!(
            out,
            "preopen: /data\nwrite: ok\nread back: written by a WASI 0.3 Python guest\n\
             entry: link-out\nentry: note.txt\n\
             open ../outside.txt: NotPermitted\nopen /etc/hostname: NotPermitted\n\
             open link-out/hostname: NotPermitted\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();

        let (port, server) = pong_server();
        let (code, out) = run(&["tcp", &port], &|b| {
            b.allow_network(true);
        });
        assert_eq!(server.join().unwrap(), "ping\n");
        assert_eq!(
            (code, out.as_str()),
            (0, "connected\nsent\nreply: pong to ping\n")
        );
    }
}
