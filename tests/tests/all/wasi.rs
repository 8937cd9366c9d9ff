//! WASI 0.2 through hostbind-wasi: real guests built by real toolchains
//! (`tests/guests/`), run on both engines, their output compared with what
//! they are written to print, and a sandbox they cannot leave.

use hostbind::{Component, Engine, Linker, Store};
use hostbind_tests::engines;
use hostbind_wasi::{DirPerms, FilePerms, OutputPipe, WasiCtx, WasiCtxBuilder};

const C_COMMAND: &[u8] = include_bytes!("../../guests/c-command/c-command.wasm");
const C_COMMAND_0_2_0: &[u8] = include_bytes!("../../guests/c-command/c-command-0.2.0.wasm");

struct Data {
    wasi: WasiCtx,
}

/// What a run printed and how it ended.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(engine: &Engine, guest: &[u8], build: impl FnOnce(&mut WasiCtxBuilder)) -> Run {
    let component = Component::new(engine, guest).unwrap();
    let mut linker = Linker::<Data>::new(engine);
    hostbind_wasi::add_to_linker(&mut linker, |d| &mut d.wasi).unwrap();
    let (stdout, stderr) = (OutputPipe::new(), OutputPipe::new());
    let mut b = WasiCtx::builder();
    b.stdout(stdout.clone()).stderr(stderr.clone());
    build(&mut b);
    let mut store = Store::new(engine, Data { wasi: b.build() });
    let code = hostbind_wasi::run_command(&mut store, &component, &linker).unwrap();
    Run {
        code,
        stdout: String::from_utf8(stdout.contents()).unwrap(),
        stderr: String::from_utf8(stderr.contents()).unwrap(),
    }
}

/// A scratch directory holding `data/input.txt` and a `secret.txt` beside
/// `data/`, which the guest must never reach.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hostbind-wasi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data/sub")).unwrap();
    std::fs::write(
        dir.join("data/input.txt"),
        "hello from the host\nsecond line\nthird\n",
    )
    .unwrap();
    std::fs::write(dir.join("secret.txt"), "secret\n").unwrap();
    dir
}

fn report_output(program: &str, out_txt: &str) -> String {
    format!(
        "args: [{program}] [report] [--flag] [two words]\n\
         GREETING=hi there\n\
         first line: hello from the host\n\
         input.txt: 3 lines, 38 bytes\n\
         {out_txt}\n\
         monotonic clock: ok\n\
         wall clock: after 2023\n\
         random: 16 bytes, not all zero\n"
    )
}

/// Runs `guest`'s `report` with a directory, arguments and environment,
/// and checks everything it printed and wrote.
fn assert_reports(engine: &Engine, guest: &[u8], program: &str) {
    let dir = scratch(program);
    let data = dir.join("data");
    let r = run(engine, guest, |b| {
        b.args([program, "report", "--flag", "two words"])
            .env("GREETING", "hi there")
            .preopened_dir(&data, "/data", DirPerms::all(), FilePerms::all())
            .unwrap();
    });
    assert_eq!(r.stdout, report_output(program, "wrote out.txt"));
    assert_eq!(r.stderr, "report done\n");
    assert_eq!(r.code, 0);
    assert_eq!(
        std::fs::read_to_string(data.join("out.txt")).unwrap(),
        "3 lines\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_c_command_reports_what_it_was_given() {
    for engine in engines() {
        for guest in [C_COMMAND, C_COMMAND_0_2_0] {
            assert_reports(&engine, guest, "c-command");
        }
    }
}

#[test]
fn the_guest_cannot_leave_its_preopened_directory() {
    for engine in engines() {
        let dir = scratch("escape");
        let data = dir.join("data");
        std::os::unix::fs::symlink("../secret.txt", data.join("link-out")).unwrap();
        std::os::unix::fs::symlink(dir.join("secret.txt"), data.join("link-abs")).unwrap();
        std::os::unix::fs::symlink("input.txt", data.join("link-in")).unwrap();
        let r = run(&engine, C_COMMAND, |b| {
            b.args(["c-command", "escape"])
                .preopened_dir(&data, "/data", DirPerms::all(), FilePerms::all())
                .unwrap();
        });
        // `..`, symlinks out (relative or absolute) and a symlink the guest
        // made itself are all refused by the host with `not-permitted`; an
        // absolute path outside every preopen never leaves wasi-libc.
        assert_eq!(
            r.stdout,
            "/data/input.txt: OPENED\n\
             /data/../secret.txt: refused (Operation not permitted)\n\
             /data/sub/../../secret.txt: refused (Operation not permitted)\n\
             /secret.txt: refused (Capabilities insufficient)\n\
             /data/link-out: refused (Operation not permitted)\n\
             /data/link-abs: refused (Operation not permitted)\n\
             /data/link-in: OPENED\n\
             /data/made-link: refused (Operation not permitted)\n"
        );
        assert_eq!(r.code, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn nothing_is_granted_by_default() {
    for engine in engines() {
        // No preopen: the file is not there to open, and the run fails.
        // (WASI 0.2's stable `exit` carries only success or failure, so
        // status 2 reaches the host as 1.)
        let r = run(&engine, C_COMMAND, |b| {
            b.args(["c-command", "report"]);
        });
        assert_eq!(r.code, 1);
        assert_eq!(r.stdout, "args: [c-command] [report]\nGREETING=(unset)\n");
        assert_eq!(
            r.stderr,
            "cannot open /data/input.txt: Capabilities insufficient\n"
        );
        // Without arguments the program sees none (and runs its default).
        let r = run(&engine, C_COMMAND, |_| {});
        assert_eq!(r.code, 1);
        assert!(
            r.stdout.starts_with("args:\nGREETING=(unset)\n"),
            "{}",
            r.stdout
        );
    }
}

#[test]
fn read_only_preopens_refuse_writes() {
    for engine in engines() {
        let dir = scratch("readonly");
        let data = dir.join("data");
        let r = run(&engine, C_COMMAND, |b| {
            b.args(["c-command", "report", "--flag", "two words"])
                .env("GREETING", "hi there")
                .preopened_dir(&data, "/data", DirPerms::READ, FilePerms::READ)
                .unwrap();
        });
        assert_eq!(
            r.stdout,
            report_output("c-command", "cannot write out.txt: Operation not permitted")
        );
        assert_eq!(r.code, 0);
        assert!(!data.join("out.txt").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn exit_codes_stdin_and_directories() {
    for engine in engines() {
        // The adapter exits through the stable `exit(result)`: any status
        // but 0 is a failure, which `run_command` reports as 1.
        for (status, code) in [(0, 0), (3, 1), (255, 1)] {
            let r = run(&engine, C_COMMAND, |b| {
                b.args(["c-command", "exit", &status.to_string()]);
            });
            assert_eq!(r.code, code, "exit({status})");
        }
        let r = run(&engine, C_COMMAND, |b| {
            b.args(["c-command", "cat"])
                .stdin(hostbind_wasi::InputPipe::new("line one\nline two\n"));
        });
        assert_eq!((r.code, r.stdout.as_str()), (0, "line one\nline two\n"));
        let dir = scratch("list");
        let r = run(&engine, C_COMMAND, |b| {
            b.args(["c-command", "list"])
                .preopened_dir(dir.join("data"), "/data", DirPerms::READ, FilePerms::READ)
                .unwrap();
        });
        assert_eq!((r.code, r.stdout.as_str()), (0, "input.txt\nsub\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A gzipped guest, unpacked.
pub(crate) fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

const PYTHON: &[u8] = include_bytes!("../../guests/python/python-command.wasm.gz");

#[test]
fn the_python_command_reports_what_it_was_given() {
    let guest = gunzip(PYTHON);
    for engine in engines() {
        assert_reports(&engine, &guest, "python-command");
    }
}

const JS: &[u8] = include_bytes!("../../guests/js/js-command.wasm.gz");

#[test]
fn the_js_command_reports_what_it_was_given() {
    let guest = gunzip(JS);
    for engine in engines() {
        assert_reports(&engine, &guest, "js-command");
    }
}

#[test]
fn the_js_command_waits_on_clocks() {
    let guest = gunzip(JS);
    for engine in engines() {
        let r = run(&engine, &guest, |b| {
            b.args(["js-command", "sleep"]);
        });
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (0, "slept at least 20ms: true\nready: [1]\n")
        );
    }
}

#[test]
fn the_c_command_talks_tcp_when_the_network_is_allowed() {
    for engine in engines() {
        for guest in [C_COMMAND, C_COMMAND_0_2_0] {
            // Refused unless the embedder allows the network.
            let r = run(&engine, guest, |b| {
                b.args(["c-command", "tcp", "9"]);
            });
            assert_eq!(r.stdout, "create-tcp-socket: access-denied\n");

            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let server = std::thread::spawn(move || {
                use std::io::{BufRead, Write};
                let (conn, _) = listener.accept().unwrap();
                let mut line = String::new();
                std::io::BufReader::new(&conn).read_line(&mut line).unwrap();
                (&conn)
                    .write_all(format!("pong: {line}").as_bytes())
                    .unwrap();
                line
            });
            let r = run(&engine, guest, |b| {
                b.args(["c-command", "tcp", &port.to_string()])
                    .allow_network(true);
            });
            assert_eq!(server.join().unwrap(), "ping\n");
            assert_eq!(
                (r.code, r.stdout.as_str(), r.stderr.as_str()),
                (0, "reply: pong: ping\n", "")
            );
        }
    }
}
