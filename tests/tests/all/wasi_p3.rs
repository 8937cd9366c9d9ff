//! WASI 0.3 through hostbind-wasi: a wit-bindgen C command with 0.3
//! bindings (`tests/guests/c-command-p3`) and a componentize-py command
//! (`tests/guests/python-p3`, which imports WASI 0.2 for CPython beside
//! 0.3), on both engines: what they print, checked as text and against
//! what wasmtime 48's own WASI 0.3 host prints for the same runs; their
//! sandbox; and one linker serving a 0.2 and a 0.3 guest.

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
/// its port, and the thread, which returns what it was sent (nothing if
/// no connection came within a minute, so a guest that never connects
/// fails the test instead of hanging it).
fn pong_server() -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    listener.set_nonblocking(true).unwrap();
    let server = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut s = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(_) => return String::new(),
            }
        };
        s.set_nonblocking(false).unwrap();
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
fn nothing_is_granted_to_a_p3_guest_by_default() {
    for engine in engines() {
        // No environment, no stdin, no directories, no network.
        assert_eq!(
            run(&engine, &["hello"], |_| {}),
            (
                0,
                "hello from a WASI 0.3 C command\nargs: guest.wasm hello\n".into()
            )
        );
        let component = Component::new(&engine, P3_COMMAND).unwrap();
        let stdout = OutputPipe::new();
        let wasi = WasiCtx::builder()
            .args(["guest.wasm", "cat"])
            .stdout(stdout.clone())
            .build();
        let mut store = Store::new(&engine, Data { wasi });
        let code = hostbind_wasi::run_command(&mut store, &component, &linker(&engine)).unwrap();
        assert_eq!((code, stdout.contents()), (0, Vec::new()));
        assert_eq!(
            run(&engine, &["files"], |_| {}),
            (0, "no preopens\n".into())
        );
        assert_eq!(
            run(&engine, &["lookup", "localhost"], |_| {}),
            (0, "lookup: failed\n".into())
        );
        assert_eq!(
            run(&engine, &["udp", "9"], |_| {}),
            (0, "create: refused\n".into())
        );
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

/// wasmtime 48 and its own WASI 0.3 host (wasmtime-wasi, feature `p3`),
/// the reference the runs are compared with.
mod reference {
    use std::path::Path;

    use wasmtime::component::{Component, Linker, ResourceTable};
    use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
    use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

    struct Peer {
        ctx: WasiCtx,
        table: ResourceTable,
    }

    impl WasiView for Peer {
        fn ctx(&mut self) -> WasiCtxView<'_> {
            WasiCtxView {
                ctx: &mut self.ctx,
                table: &mut self.table,
            }
        }
    }

    pub(super) struct Wasmtime {
        engine: wasmtime::Engine,
        linker: Linker<Peer>,
        runtime: tokio::runtime::Runtime,
    }

    /// What one run is given.
    #[derive(Default)]
    pub(super) struct Given<'a> {
        pub(super) args: &'a [&'a str],
        pub(super) env: &'a [(&'a str, &'a str)],
        pub(super) stdin: &'a str,
        pub(super) dir: Option<&'a Path>,
        pub(super) network: bool,
    }

    impl Wasmtime {
        pub(super) fn new() -> Wasmtime {
            let mut config = wasmtime::Config::new();
            config.wasm_component_model_async(true);
            let engine = wasmtime::Engine::new(&config).unwrap();
            let mut linker = Linker::new(&engine);
            // CPython's libc in the Python guest speaks 0.2.
            wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
            wasmtime_wasi::p3::add_to_linker(&mut linker).unwrap();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            Wasmtime {
                engine,
                linker,
                runtime,
            }
        }

        pub(super) fn compile(&self, guest: &[u8]) -> Component {
            Component::new(&self.engine, guest).unwrap()
        }

        /// The exit status and stdout of one run of `component`.
        pub(super) fn run(&self, component: &Component, given: &Given<'_>) -> (i32, String) {
            let stdout = MemoryOutputPipe::new(1 << 24);
            let mut b = WasiCtx::builder();
            b.arg("guest.wasm")
                .args(given.args)
                .stdin(MemoryInputPipe::new(given.stdin.to_string()))
                .stdout(stdout.clone());
            for (k, v) in given.env {
                b.env(k, v);
            }
            if let Some(dir) = given.dir {
                b.preopened_dir(dir, "/data", FsPerms::ReadWrite).unwrap();
            }
            if given.network {
                b.inherit_network()
                    .allow_tcp(true)
                    .allow_udp(true)
                    .allow_ip_name_lookup(true);
            }
            let mut store = wasmtime::Store::new(
                &self.engine,
                Peer {
                    ctx: b.build(),
                    table: ResourceTable::new(),
                },
            );
            let code = self.runtime.block_on(async {
                let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(
                    &mut store,
                    component,
                    &self.linker,
                )
                .await
                .unwrap();
                let ran = store
                    .run_concurrent(async move |s| command.wasi_cli_run().call_run(s).await)
                    .await;
                match ran.and_then(|r| r) {
                    Ok(Ok(())) => 0,
                    Ok(Err(())) => 1,
                    Err(e) => match e.downcast_ref::<wasmtime_wasi::I32Exit>() {
                        Some(exit) => exit.0,
                        None => panic!("wasmtime trapped: {e:?}"),
                    },
                }
            });
            (code, String::from_utf8(stdout.contents().to_vec()).unwrap())
        }
    }
}

#[test]
fn both_p3_guests_print_what_wasmtime_48_prints() {
    use reference::{Given, Wasmtime};
    let wasmtime = Wasmtime::new();
    let input: String = (0..3_000).map(|i| format!("line {i}\n")).collect();
    let python = crate::wasi::gunzip(PYTHON_P3);
    for (name, guest) in [("c", P3_COMMAND), ("python", &python[..])] {
        let peer = wasmtime.compile(guest);
        let ours: Vec<(Engine, Component)> = engines()
            .into_iter()
            .map(|e| {
                let c = Component::new(&e, guest).unwrap();
                (e, c)
            })
            .collect();
        let dir = scratch(&format!("{name}-reference"));
        let data = dir.join("data");
        let runs: [Given<'_>; 7] = [
            Given {
                args: &["hello", "a", "b"],
                env: &[("GREETING", "hi"), ("OTHER", "x")],
                ..Given::default()
            },
            Given {
                args: &["cat"],
                stdin: &input,
                ..Given::default()
            },
            Given {
                args: &["sleep"],
                ..Given::default()
            },
            Given {
                args: &["random"],
                ..Given::default()
            },
            Given {
                args: &["exit", "7"],
                ..Given::default()
            },
            Given {
                args: &["nonsense"],
                ..Given::default()
            },
            Given {
                args: &["files"],
                dir: Some(&data),
                ..Given::default()
            },
        ];
        for given in &runs {
            // Each run starts from the same directory: no note.txt yet.
            let _ = std::fs::remove_file(data.join("note.txt"));
            let expected = wasmtime.run(&peer, given);
            for (engine, component) in &ours {
                let _ = std::fs::remove_file(data.join("note.txt"));
                let got = run_component(engine, component, given.args, |b| {
                    b.stdin(InputPipe::new(given.stdin.to_string()));
                    for (k, v) in given.env {
                        b.env(*k, *v);
                    }
                    if let Some(dir) = given.dir {
                        b.preopened_dir(dir, "/data", DirPerms::all(), FilePerms::all())
                            .unwrap();
                    }
                });
                assert!(
                    got == expected,
                    "{name} {:?} on {:?}: hostbind printed {got:?}, wasmtime {expected:?}",
                    given.args,
                    engine.kind()
                );
            }
        }
        // TCP: a listener of its own for each run.
        let tcp = |run: &dyn Fn(&str) -> (i32, String)| {
            let (port, server) = pong_server();
            let got = run(&port);
            assert_eq!(
                server.join().unwrap(),
                "ping\n",
                "{name} tcp printed {got:?}"
            );
            got
        };
        let expected = tcp(&|port| {
            let given = Given {
                args: &["tcp", port],
                network: true,
                ..Given::default()
            };
            wasmtime.run(&peer, &given)
        });
        assert!(
            expected
                .1
                .starts_with("connected\nsent\nreply: pong to ping\n")
        );
        for (engine, component) in &ours {
            let got = tcp(&|port| {
                run_component(engine, component, &["tcp", port], |b| {
                    b.allow_network(true);
                })
            });
            assert_eq!(got, expected, "{name} tcp");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A loopback listener that takes one connection and answers its `ping`
/// only after `delay`.
fn slow_server(delay: std::time::Duration) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got).unwrap();
        std::thread::sleep(delay);
        s.write_all(b"late\n").unwrap();
    });
    (port, server)
}

#[test]
fn a_guest_waiting_on_a_socket_holds_no_thread() {
    // One thread runs two stores: one guest waits 500 ms for a TCP reply
    // while the other sleeps 20 ms and finishes. Were the first wait to
    // hold the thread, the second would end after the reply.
    let python = crate::wasi::gunzip(PYTHON_P3);
    // The Python command's `run` is lifted async, the C command's
    // synchronously: on wasmi both give the thread back; on wasmtime a
    // synchronous export waits in place (docs/wasi.md).
    let mut cases: Vec<(Engine, &[u8])> = vec![(Engine::default(), P3_COMMAND)];
    for engine in engines() {
        cases.push((engine, &python[..]));
    }
    for (engine, guest) in cases {
        let component = Component::new(&engine, guest).unwrap();
        let linker = linker(&engine);
        let (port, server) = slow_server(std::time::Duration::from_millis(500));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // Both stores are instantiated before either guest runs, so that
        // the thread is only ever held by what the test is about (the
        // CPython guest takes a second to instantiate on a busy machine).
        let prepare = |args: &'static [&'static str], port: Option<String>| {
            let stdout = OutputPipe::new();
            let mut b = WasiCtx::builder();
            b.arg("guest.wasm")
                .args(args.iter().copied())
                .allow_network(true);
            if let Some(port) = port {
                b.arg(port);
            }
            let mut store = Store::new(
                &engine,
                Data {
                    wasi: b.stdout(stdout.clone()).build(),
                },
            );
            let instance = linker.instantiate(&mut store, &component).unwrap();
            let run = instance
                .get_typed_func::<(), (Result<(), ()>,)>(&mut store, "wasi:cli/run@0.3.0#run")
                .unwrap();
            (store, run, stdout)
        };
        let (tcp, sleeper) = (prepare(&["tcp"], Some(port)), prepare(&["sleep"], None));
        let start = std::time::Instant::now();
        let run = |(mut store, run, stdout): (Store<Data>, _, OutputPipe)| async move {
            let run: hostbind::TypedFunc<(), (Result<(), ()>,)> = run;
            let (result,) = run.call_async(&mut store, ()).await.unwrap();
            assert_eq!(result, Ok(()));
            (
                start.elapsed(),
                String::from_utf8(stdout.contents()).unwrap(),
            )
        };
        let ((tcp_at, tcp_out), (sleep_at, sleep_out)) =
            runtime.block_on(both(run(tcp), run(sleeper)));
        server.join().unwrap();
        assert!(tcp_out.contains("reply: late\n"), "{tcp_out}");
        assert_eq!(sleep_out, "slept 20 ms\n");
        assert!(
            sleep_at < tcp_at && tcp_at >= std::time::Duration::from_millis(500),
            "on {:?}: the sleeper ended at {sleep_at:?}, the TCP guest at {tcp_at:?}",
            engine.kind()
        );
    }
}

/// Runs two futures on one task until both are done.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none()
            && let std::task::Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let std::task::Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => std::task::Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                std::task::Poll::Pending
            }
        }
    })
    .await
}

/// A free loopback port: one the system just gave and took back.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A client that connects to `port` once the guest listens (retrying for
/// up to a minute), sends `hello`, and returns what comes back.
fn hello_client(port: u16) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut s = loop {
            match std::net::TcpStream::connect(("127.0.0.1", port)) {
                Ok(s) => break s,
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(_) => return String::new(),
            }
        };
        s.write_all(b"hello\n").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    })
}

/// A UDP socket on loopback that answers one datagram with `pong`; its
/// port, and the thread, which returns what it got.
fn udp_server() -> (String, std::thread::JoinHandle<Vec<u8>>) {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = s.local_addr().unwrap().port().to_string();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let server = std::thread::spawn(move || {
        let mut buf = [0; 64];
        match s.recv_from(&mut buf) {
            Ok((n, from)) => {
                s.send_to(b"pong", from).unwrap();
                buf[..n].to_vec()
            }
            Err(_) => Vec::new(),
        }
    });
    (port, server)
}

/// A host that runs the C command with the given arguments: its exit code
/// and stdout.
type Host<'a> = dyn Fn(&[&str]) -> (i32, String) + 'a;

#[test]
fn the_p3_command_listens_speaks_udp_and_resolves_names_as_wasmtime_does() {
    use reference::{Given, Wasmtime};
    let wasmtime = Wasmtime::new();
    let peer = wasmtime.compile(P3_COMMAND);
    // Each host runs the same three programs: wasmtime 48's first, then
    // hostbind on each engine.
    let mut hosts: Vec<Box<Host<'_>>> = vec![Box::new(|args: &[&str]| {
        let given = Given {
            args,
            network: true,
            ..Given::default()
        };
        wasmtime.run(&peer, &given)
    })];
    for engine in engines() {
        let component = Component::new(&engine, P3_COMMAND).unwrap();
        hosts.push(Box::new(move |args: &[&str]| {
            run_component(&engine, &component, args, |b| {
                b.allow_network(true);
            })
        }));
    }
    let mut outputs = Vec::new();
    for host in &hosts {
        let port = free_port();
        let client = hello_client(port);
        let listened = host(&["listen", &port.to_string()]);
        assert_eq!(client.join().unwrap(), "echo: hello\n");
        let (udp_port, server) = udp_server();
        let udp = host(&["udp", &udp_port]);
        assert_eq!(server.join().unwrap(), b"ping");
        let lookup = host(&["lookup", "localhost"]);
        outputs.push((listened, udp, lookup));
    }
    let expected = (
        (
            0,
            "listening\naccepted\nreceived: hello\nechoed\n".to_string(),
        ),
        (0, "udp reply: pong (from the port sent to)\n".to_string()),
        (0, "resolves to 127.0.0.1\n".to_string()),
    );
    for (i, out) in outputs.iter().enumerate() {
        assert_eq!(out, &expected, "host {i} (0 is wasmtime 48)");
    }
}
