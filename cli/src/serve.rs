//! `hostbind serve`: answers HTTP requests with a `wasi:http/proxy`
//! (WASI 0.2) or `wasi:http/service` (WASI 0.3) component, one fresh
//! instance per request, until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use hostbind_wasi::WasiCtx;
use hostbind_wasi_http::{HttpConfig, Server};

use crate::EngineArg;

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// The address to listen on, e.g. `--addr 127.0.0.1:8080` (port 0
    /// picks a free one; the address served is printed on stderr).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The core engine, e.g. `--engine wasmtime` [default: wasmi, or
    /// wasmtime for a precompiled component]
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// Gives each request this much fuel; one that uses it all is
    /// answered 503. E.g. `--fuel 1000000000`.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Stops a request's guest after this long (`500ms`, `10s`, `2m`);
    /// a client still waiting is answered 504.
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    timeout: Option<Duration>,
    /// Refuses request bodies larger than this many bytes (413), e.g.
    /// `--max-body 1048576`.
    #[arg(long, value_name = "BYTES")]
    max_body: Option<u64>,
    /// Lets guests send requests to this host (`example.com`, every port)
    /// or `host:port`; `*` allows any. Repeatable. By default none.
    #[arg(long = "allow-http-host", value_name = "HOST")]
    allow_http_hosts: Vec<String>,
    /// How many guests run at once; more requests wait their turn, e.g.
    /// `--max-running 8` [default: four per core].
    #[arg(long, value_name = "N")]
    max_running: Option<usize>,
    /// Sets an environment variable for the guest, e.g. `--env LANG=C`.
    /// Repeatable.
    #[arg(long = "env", value_name = "K=V")]
    envs: Vec<String>,
    /// Serves a component precompiled by `hostbind compile` (with
    /// `--interruptible` if `--timeout` is given, `--fuel` if `--fuel`
    /// is), e.g. `hostbind serve --allow-precompiled handler.cwasm`. Its
    /// machine code runs as it is: serve only files you made yourself.
    #[arg(long)]
    allow_precompiled: bool,
    /// The component, e.g. `handler.wasm` (or `handler.cwasm`, precompiled).
    component: PathBuf,
}

/// `500ms`, `10s`, `2m`, `1h`, or a number of seconds.
fn duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "s"), |i| s.split_at(i));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as `500ms`, `10s` or `2m`"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}`: the unit must be ms, s, m or h")),
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("`{s}`: {e}"))
}

pub(crate) fn serve(args: &ServeArgs) -> Result<i32> {
    let needs = crate::load::Needs {
        engine: args.engine,
        fuel: args.fuel.is_some(),
        interruptible: args.timeout.is_some(),
        allow_precompiled: args.allow_precompiled,
    };
    let (engine, component) = crate::load::component(&args.component, &needs)?;
    let mut http = HttpConfig::new();
    for h in &args.allow_http_hosts {
        http = http.allow_host(h.clone());
    }
    let mut env = Vec::new();
    for kv in &args.envs {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| anyhow!("`--env {kv}` is not of the form K=V"))?;
        env.push((k.to_string(), v.to_string()));
    }
    let mut builder = Server::builder(&engine, &component)
        .http(http)
        .wasi(move || {
            WasiCtx::builder()
                .envs(env.iter().cloned())
                .inherit_stdout()
                .inherit_stderr()
                .build()
        });
    if let Some(f) = args.fuel {
        builder = builder.fuel(f);
    }
    if let Some(t) = args.timeout {
        builder = builder.timeout(t);
    }
    if let Some(m) = args.max_body {
        builder = builder.max_body(m);
    }
    if let Some(n) = args.max_running {
        builder = builder.max_running(n);
    }
    let server = builder
        .build()
        .with_context(|| format!("in `{}`", args.component.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr()?;
        eprintln!("Serving HTTP on http://{local}/");
        hostbind_wasi_http::serve(server, listener, async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("Stopping: finishing the requests in flight");
        })
        .await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::duration;
    use std::time::Duration;

    #[test]
    fn durations_read_with_their_units() {
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(duration("3"), Ok(Duration::from_secs(3)));
        assert!(duration("10 parsecs").is_err());
        assert!(duration("-1s").is_err());
    }
}
