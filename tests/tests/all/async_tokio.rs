//! hostbind on tokio's multi-threaded runtime: many stores on many tasks,
//! async host functions awaiting tokio's timers and a real TCP socket, and
//! a store that keeps making progress while the others wait. The runtime
//! crate itself knows nothing of tokio.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use hostbind::{Component, Engine, Linker, Store, Val};
use hostbind_tests::engines;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Built by `tests/guests/c-async/build.sh`.
const GUEST: &[u8] = include_bytes!("../../guests/c-async/guest.wasm");

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn u32_of(v: &Val) -> anyhow::Result<u32> {
    match v {
        Val::U32(n) => Ok(*n),
        other => anyhow::bail!("expected a u32, got {other:?}"),
    }
}

/// A linker whose `add` sleeps `sleep` on tokio's timer before adding, and
/// whose `log` counts lines in the store's data.
fn sleepy_linker(engine: &Engine, sleep: Duration) -> Linker<u32> {
    let mut linker = Linker::<u32>::new(engine);
    let mut host = linker.instance("hostbind:async-guest/host").unwrap();
    host.func_new_async("add", move |_, _, params| {
        Box::pin(async move {
            let (a, b) = (u32_of(&params[0])?, u32_of(&params[1])?);
            tokio::time::sleep(sleep).await;
            Ok(vec![Val::U32(a.wrapping_add(b))])
        })
    })
    .unwrap();
    host.func_new_async("log", |access, _, _| {
        Box::pin(async move {
            access.with(|lines| *lines += 1)?;
            Ok(vec![])
        })
    })
    .unwrap();
    linker
}

#[test]
fn many_stores_on_many_tasks_await_tokio_timers() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let linker = Arc::new(sleepy_linker(&engine, Duration::from_millis(2)));
        let rt = runtime();
        let fast_rounds = Arc::new(AtomicU32::new(0));
        let sleepers_done = Arc::new(AtomicBool::new(false));
        rt.block_on(async {
            // Eight stores whose guests each wait on ten timers in turn.
            let mut sleepers = Vec::new();
            for n in 1..=8u32 {
                let (engine, component, linker) =
                    (engine.clone(), component.clone(), linker.clone());
                sleepers.push(tokio::spawn(async move {
                    let mut store = Store::new(&engine, 0u32);
                    let instance = linker.instantiate(&mut store, &component)?;
                    let sum_to = instance.get_func(&mut store, "sum-to")?;
                    let out = sum_to.call_async(&mut store, &[Val::U32(10 * n)]).await?;
                    anyhow::Ok((out, *store.data()))
                }));
            }
            // A store whose host function never waits keeps going meanwhile.
            let fast = {
                let (engine, component) = (engine.clone(), component.clone());
                let (rounds, done) = (fast_rounds.clone(), sleepers_done.clone());
                let linker = Arc::new(sleepy_linker(&engine, Duration::ZERO));
                tokio::spawn(async move {
                    let mut store = Store::new(&engine, 0u32);
                    let instance = linker.instantiate(&mut store, &component)?;
                    let sum_to = instance.get_func(&mut store, "sum-to")?;
                    while !done.load(Ordering::Acquire) {
                        let out = sum_to.call_async(&mut store, &[Val::U32(3)]).await?;
                        anyhow::ensure!(out == [Val::U32(6)], "fast store got {out:?}");
                        rounds.fetch_add(1, Ordering::Relaxed);
                        tokio::task::yield_now().await;
                    }
                    anyhow::Ok(())
                })
            };
            for (n, sleeper) in (1..=8u32).zip(sleepers) {
                let (out, lines) = sleeper.await.unwrap().unwrap();
                let k = 10 * n;
                assert_eq!(out, [Val::U32(k * (k + 1) / 2)]);
                assert_eq!(lines, 1);
            }
            sleepers_done.store(true, Ordering::Release);
            fast.await.unwrap().unwrap();
        });
        // The sleepers waited on at least 80 ms of timers in all; the fast
        // store ran meanwhile.
        assert!(fast_rounds.load(Ordering::Relaxed) > 0);
    }
}

/// A server on 127.0.0.1 that answers each line "a b" with "a+b"; it stops
/// when the runtime does.
async fn adder_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let sum: u32 = line.split(' ').filter_map(|n| n.parse::<u32>().ok()).sum();
                    if write
                        .write_all(format!("{sum}\n").as_bytes())
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
    addr
}

#[test]
fn a_host_function_awaits_a_real_socket() {
    for engine in engines() {
        let component = Component::new(&engine, GUEST).unwrap();
        let rt = runtime();
        rt.block_on(async {
            let addr = adder_server().await;
            let mut linker = Linker::<u32>::new(&engine);
            let mut host = linker.instance("hostbind:async-guest/host").unwrap();
            host.func_new_async("add", move |access, _, params| {
                Box::pin(async move {
                    let (a, b) = (u32_of(&params[0])?, u32_of(&params[1])?);
                    // One connection per call: the future owns everything it uses.
                    let socket = TcpStream::connect(addr).await?;
                    let (read, mut write) = socket.into_split();
                    write.write_all(format!("{a} {b}\n").as_bytes()).await?;
                    let line = BufReader::new(read)
                        .lines()
                        .next_line()
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("the adder hung up"))?;
                    access.with(|calls| *calls += 1)?;
                    Ok(vec![Val::U32(line.parse()?)])
                })
            })
            .unwrap();
            host.func_new("log", |_, _, _, _| Ok(())).unwrap();
            let mut store = Store::new(&engine, 0u32);
            let instance = linker.instantiate(&mut store, &component).unwrap();
            let sum_to = instance.get_func(&mut store, "sum-to").unwrap();
            let out = sum_to
                .call_async(&mut store, &[Val::U32(20)])
                .await
                .unwrap();
            assert_eq!(out, [Val::U32(210)]);
            assert_eq!(*store.data(), 20);
        });
    }
}
