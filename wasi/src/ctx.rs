//! `WasiCtx`, what a guest may see and touch, and the builder that grants it.

use std::path::Path;

use cap_std::ambient_authority;
use hostbind::ResourceTable;

use crate::filesystem::{DirPerms, FilePerms, Preopen};
use crate::io::{InputPipe, OutputPipe};

/// Where a guest's stdin comes from.
#[derive(Clone, Debug)]
pub(crate) enum StdinSource {
    /// Nothing: reads report the stream closed.
    Empty,
    /// The host process's stdin.
    Inherit,
    /// Bytes the embedder gave.
    Pipe(InputPipe),
}

/// Where a guest's stdout or stderr goes.
#[derive(Clone, Debug)]
pub(crate) enum OutputSink {
    /// Nowhere: writes succeed and are dropped.
    Sink,
    /// The host process's stdout.
    InheritStdout,
    /// The host process's stderr.
    InheritStderr,
    /// A buffer the embedder reads.
    Pipe(OutputPipe),
}

/// The state of WASI for one store: what the embedder granted and the
/// resources the guest holds. Build one with [`WasiCtx::builder`]; nothing
/// is granted by default.
pub struct WasiCtx {
    pub(crate) table: ResourceTable,
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) cwd: Option<String>,
    pub(crate) stdin: StdinSource,
    pub(crate) stdout: OutputSink,
    pub(crate) stderr: OutputSink,
    pub(crate) preopens: Vec<Preopen>,
    pub(crate) allow_network: bool,
    pub(crate) insecure: fastrand::Rng,
    pub(crate) insecure_seed: (u64, u64),
    pub(crate) epoch: std::time::Instant,
}

impl core::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args)
            .field("env", &self.env.len())
            .field("preopens", &self.preopens.len())
            .field("allow_network", &self.allow_network)
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl WasiCtx {
    /// A builder that grants nothing until told to.
    pub fn builder() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// The resources the guest holds, for an embedder that adds its own.
    pub fn table(&mut self) -> &mut ResourceTable {
        &mut self.table
    }
}

impl Default for WasiCtx {
    fn default() -> WasiCtx {
        WasiCtx::builder().build()
    }
}

/// Grants a guest its arguments, environment, stdio, directories and
/// network, in the shape of wasmtime-wasi's `WasiCtxBuilder`.
#[derive(Debug, Default)]
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: Option<String>,
    stdin: Option<StdinSource>,
    stdout: Option<OutputSink>,
    stderr: Option<OutputSink>,
    preopens: Vec<Preopen>,
    allow_network: bool,
    insecure_seed: Option<(u64, u64)>,
}

impl WasiCtxBuilder {
    /// Appends one argument (the first is conventionally the program's name).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets one environment variable.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sets environment variables.
    pub fn envs<K: Into<String>, V: Into<String>>(
        &mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> &mut Self {
        self.env
            .extend(vars.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Gives the guest this process's environment (variables that are not
    /// UTF-8 are left out).
    pub fn inherit_env(&mut self) -> &mut Self {
        self.env.extend(std::env::vars());
        self
    }

    /// Gives the guest this process's arguments.
    pub fn inherit_args(&mut self) -> &mut Self {
        self.args.extend(std::env::args());
        self
    }

    /// The working directory `wasi:cli/environment` reports (a guest path).
    pub fn initial_cwd(&mut self, cwd: impl Into<String>) -> &mut Self {
        self.cwd = Some(cwd.into());
        self
    }

    /// The guest reads this process's stdin.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        self.stdin = Some(StdinSource::Inherit);
        self
    }

    /// The guest's stdout is this process's.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        self.stdout = Some(OutputSink::InheritStdout);
        self
    }

    /// The guest's stderr is this process's.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        self.stderr = Some(OutputSink::InheritStderr);
        self
    }

    /// All three of [`inherit_stdin`](Self::inherit_stdin),
    /// [`inherit_stdout`](Self::inherit_stdout) and
    /// [`inherit_stderr`](Self::inherit_stderr).
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// The guest reads `pipe`'s bytes as its stdin.
    pub fn stdin(&mut self, pipe: InputPipe) -> &mut Self {
        self.stdin = Some(StdinSource::Pipe(pipe));
        self
    }

    /// The guest's stdout goes into `pipe`.
    pub fn stdout(&mut self, pipe: OutputPipe) -> &mut Self {
        self.stdout = Some(OutputSink::Pipe(pipe));
        self
    }

    /// The guest's stderr goes into `pipe`.
    pub fn stderr(&mut self, pipe: OutputPipe) -> &mut Self {
        self.stderr = Some(OutputSink::Pipe(pipe));
        self
    }

    /// Lets the guest open `host_path` as `guest_path`, with what it may
    /// do to the directories (`dir_perms`) and files (`file_perms`) in it.
    /// The guest cannot leave it: `..`, absolute paths and symlinks that
    /// point outside are refused. Fails when `host_path` cannot be opened
    /// as a directory.
    pub fn preopened_dir(
        &mut self,
        host_path: impl AsRef<Path>,
        guest_path: impl Into<String>,
        dir_perms: DirPerms,
        file_perms: FilePerms,
    ) -> anyhow::Result<&mut Self> {
        let host = host_path.as_ref();
        let dir = cap_std::fs::Dir::open_ambient_dir(host, ambient_authority()).map_err(|e| {
            anyhow::anyhow!(
                "cannot open the directory `{}` to preopen: {e}",
                host.display()
            )
        })?;
        self.preopens.push(Preopen {
            dir: std::sync::Arc::new(dir),
            guest_path: guest_path.into(),
            dir_perms,
            file_perms,
        });
        Ok(self)
    }

    /// Lets the guest create sockets, connect, listen and look up names.
    /// Without it every socket operation fails with `access-denied`.
    pub fn allow_network(&mut self, allow: bool) -> &mut Self {
        self.allow_network = allow;
        self
    }

    /// The value `wasi:random/insecure-seed` returns (random otherwise).
    pub fn insecure_random_seed(&mut self, seed: (u64, u64)) -> &mut Self {
        self.insecure_seed = Some(seed);
        self
    }

    /// The context, with what was granted; the builder is left empty.
    pub fn build(&mut self) -> WasiCtx {
        let b = std::mem::take(self);
        let seed = b.insecure_seed.unwrap_or_else(|| {
            let mut s = [0u8; 16];
            // The seed is documented as not secure; a failed OS read
            // leaves it zero rather than failing the build.
            let _ = getrandom::fill(&mut s);
            let (a, c) = s.split_at(8);
            (
                u64::from_le_bytes(a.try_into().unwrap_or_default()),
                u64::from_le_bytes(c.try_into().unwrap_or_default()),
            )
        });
        WasiCtx {
            table: ResourceTable::new(),
            args: b.args,
            env: b.env,
            cwd: b.cwd,
            stdin: b.stdin.unwrap_or(StdinSource::Empty),
            stdout: b.stdout.unwrap_or(OutputSink::Sink),
            stderr: b.stderr.unwrap_or(OutputSink::Sink),
            preopens: b.preopens,
            allow_network: b.allow_network,
            insecure: fastrand::Rng::with_seed(seed.0 ^ seed.1.rotate_left(32)),
            insecure_seed: seed,
            epoch: std::time::Instant::now(),
        }
    }
}
