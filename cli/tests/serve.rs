//! `hostbind serve`, run as a user runs it: real handlers (the jco one of
//! WASI 0.2, the componentize-py one of 0.3) answer on a loopback port on
//! each engine; Ctrl-C (SIGINT) lets the request in flight finish, then
//! the command exits 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn engines() -> Vec<&'static str> {
    if cfg!(feature = "wasmtime") {
        vec!["wasmi", "wasmtime"]
    } else {
        vec!["wasmi"]
    }
}

/// A checked-in gzipped guest, unpacked into a file of its own.
fn unpacked(gz: &str, name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/guests")
        .join(gz);
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(src).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    let out =
        std::env::temp_dir().join(format!("hostbind-serve-{name}-{}.wasm", std::process::id()));
    std::fs::write(&out, bytes).unwrap();
    out
}

/// Starts `hostbind serve` on a free port: the process and its address.
fn serve(args: &[&str], component: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostbind"))
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .arg(component)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("Serving HTTP on http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    // The rest of stderr (the guest's, the server's log) is drained so
    // that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// One request on its own connection: the raw response.
fn request(addr: &str, method: &str, path: &str) -> String {
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        tcp,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    tcp.read_to_string(&mut out).unwrap();
    out
}

/// What Ctrl-C sends.
fn interrupt(child: &Child) {
    let pid = rustix::process::Pid::from_raw(child.id() as i32).expect("a child's pid is positive");
    rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
}

#[test]
fn serve_answers_with_the_javascript_handler_and_stops_on_ctrl_c() {
    let component = unpacked("js-http/js-http.wasm.gz", "js");
    for engine in engines() {
        let (mut child, addr) = serve(&["--engine", engine], &component);
        let hello = request(&addr, "GET", "/hello");
        assert!(
            hello.starts_with("HTTP/1.1 200 OK\r\n"),
            "{engine}: {hello}"
        );
        assert!(
            hello.ends_with("\r\n\r\nhello from javascript\n"),
            "{engine}: {hello}"
        );
        let missing = request(&addr, "GET", "/missing");
        assert!(
            missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
            "{missing}"
        );
        interrupt(&child);
        let status = child.wait().unwrap();
        assert!(status.success(), "{engine}: {status}");
    }
    let _ = std::fs::remove_file(component);
}

#[test]
fn serve_answers_with_a_wasi_0_3_handler() {
    let component = unpacked("python-http-p3/guest.wasm.gz", "python-p3");
    for engine in engines() {
        let (mut child, addr) = serve(&["--engine", engine, "--timeout", "60s"], &component);
        let hello = request(&addr, "GET", "/hello");
        assert!(
            hello.starts_with("HTTP/1.1 200 OK\r\n"),
            "{engine}: {hello}"
        );
        // Chunked: the body is written by the guest after `handle` returned.
        assert!(
            hello.contains("\r\nhello from python p3\n\r\n0\r\n\r\n"),
            "{engine}: {hello}"
        );
        let missing = request(&addr, "GET", "/missing");
        assert!(
            missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
            "{missing}"
        );
        interrupt(&child);
        let status = child.wait().unwrap();
        assert!(status.success(), "{engine}: {status}");
    }
    let _ = std::fs::remove_file(component);
}

#[test]
fn ctrl_c_lets_the_request_in_flight_finish() {
    let component = unpacked("python-http/guest.wasm.gz", "python");
    let (mut child, addr) = serve(&["--timeout", "60s"], &component);
    // The handler sleeps a second before it answers; the interrupt comes
    // once the request is on its way.
    let slow = {
        let addr = addr.clone();
        std::thread::spawn(move || request(&addr, "GET", "/slow"))
    };
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&child);
    let answer = slow.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    // Chunked: the text sits between the chunk framing.
    assert!(answer.contains("\r\nslow hello\n\r\n0\r\n\r\n"), "{answer}");
    assert!(child.wait().unwrap().success());
    // Nothing listens any more.
    assert!(TcpStream::connect(&addr).is_err());
    let _ = std::fs::remove_file(component);
}

#[test]
fn serve_refuses_a_component_that_is_not_a_handler() {
    let c_command =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/guests/c-command/c-command.wasm");
    let out = Command::new(env!("CARGO_BIN_EXE_hostbind"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg(&c_command)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: in `") && err.contains("the component is not an HTTP handler: it exports neither `wasi:http/incoming-handler@0.2.x` (WASI 0.2's `wasi:http/proxy`) nor `wasi:http/handler@0.3.x` (WASI 0.3's `wasi:http/service`) (its exports: wasi:cli/run@0.2."),
        "{err}"
    );
}

/// `hostbind compile --interruptible` makes what `hostbind serve
/// --allow-precompiled --timeout` starts without compiling; a file
/// compiled for other flags, or served without the flag, is refused
/// saying what to do.
#[cfg(feature = "wasmtime")]
#[test]
fn serve_starts_a_precompiled_handler() {
    let hostbind = env!("CARGO_BIN_EXE_hostbind");
    let c_http = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/guests/c-http/c-http.wasm");
    let dir = std::env::temp_dir().join(format!("hostbind-serve-cwasm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let compile = |flags: &[&str], out: &Path| {
        let done = Command::new(hostbind)
            .arg("compile")
            .args(flags)
            .arg(&c_http)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    };
    let timed = dir.join("timed.cwasm");
    let plain = dir.join("plain.cwasm");
    compile(&["--interruptible"], &timed);
    compile(&[], &plain);

    let (mut child, addr) = serve(&["--allow-precompiled", "--timeout", "10s"], &timed);
    let hello = request(&addr, "GET", "/hello");
    assert!(hello.starts_with("HTTP/1.1 200 OK\r\n"), "{hello}");
    assert!(hello.contains("\r\nhello from c\n\r\n0\r\n\r\n"), "{hello}");
    interrupt(&child);
    assert!(child.wait().unwrap().success());

    let refused: &[(&[&str], &Path, &str)] = &[
        (
            &["--timeout", "10s"],
            &timed,
            "is a precompiled component; run it with `--allow-precompiled`",
        ),
        (
            &["--allow-precompiled", "--timeout", "10s"],
            &plain,
            "for these flags: `hostbind compile --interruptible COMPONENT",
        ),
    ];
    for (flags, file, want) in refused {
        let out = Command::new(hostbind)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(*flags)
            .arg(file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(want), "{flags:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
