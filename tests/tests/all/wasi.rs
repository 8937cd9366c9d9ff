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

fn report_output(out_txt: &str) -> String {
    format!(
        "args: [c-command] [report] [--flag] [two words]\n\
         GREETING=hi there\n\
         first line: hello from the host\n\
         input.txt: 3 lines, 38 bytes\n\
         {out_txt}\n\
         monotonic clock: ok\n\
         wall clock: after 2023\n\
         random: 16 bytes, not all zero\n"
    )
}

#[test]
fn the_c_command_reports_what_it_was_given() {
    for engine in engines() {
        for guest in [C_COMMAND, C_COMMAND_0_2_0] {
            let dir = scratch("report");
            let data = dir.join("data");
            let r = run(&engine, guest, |b| {
                b.args(["c-command", "report", "--flag", "two words"])
                    .env("GREETING", "hi there")
                    .preopened_dir(&data, "/data", DirPerms::all(), FilePerms::all())
                    .unwrap();
            });
            assert_eq!(r.stdout, report_output("wrote out.txt"));
            assert_eq!(r.stderr, "report done\n");
            assert_eq!(r.code, 0);
            assert_eq!(
                std::fs::read_to_string(data.join("out.txt")).unwrap(),
                "3 lines\n"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
