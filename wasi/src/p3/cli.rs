//! `wasi:cli@0.3`: arguments and environment, exit, the terminals, and
//! stdio as streams that a task of the store's event loop copies (the
//! process's own stdio through a thread of `blocking`'s pool, since it can
//! block).

use std::io::Write;

use hostbind::{Access, FutureReader, Resource, Result, StreamReader};

use super::bindings::wasi::cli::{
    environment, exit, stderr, stdin, stdout, terminal_input, terminal_output, terminal_stderr,
    terminal_stdin, terminal_stdout, types::ErrorCode,
};
use crate::cli::{I32Exit, TerminalInput, TerminalOutput};
use crate::ctx::{OutputSink, StdinSource, WasiCtx};

/// How many bytes one read of stdin or of a guest's stream asks for.
pub(crate) const CHUNK: usize = 64 * 1024;

impl environment::Host for WasiCtx {
    fn get_environment(&mut self) -> Result<Vec<(String, String)>> {
        Ok(self.env.clone())
    }

    fn get_arguments(&mut self) -> Result<Vec<String>> {
        Ok(self.args.clone())
    }

    fn get_initial_cwd(&mut self) -> Result<Option<String>> {
        Ok(self.cwd.clone())
    }
}

impl exit::Host for WasiCtx {
    fn exit(&mut self, status: core::result::Result<(), ()>) -> Result<()> {
        Err(I32Exit(if status.is_ok() { 0 } else { 1 }).into())
    }

    fn exit_with_code(&mut self, status_code: u8) -> Result<()> {
        Err(I32Exit(i32::from(status_code)).into())
    }
}

impl stdin::Host for WasiCtx {
    async fn read_via_stream(
        access: Access<Self>,
    ) -> Result<(
        StreamReader<u8>,
        FutureReader<core::result::Result<(), ErrorCode>>,
    )> {
        let source = access.with(|cx| cx.stdin.clone())?;
        let (tx, rx) = hostbind::stream::<u8>(&access)?;
        let (done_tx, done_rx) = hostbind::future::<core::result::Result<(), ErrorCode>>(&access)?;
        let a = access.clone();
        access.spawn(async move {
            let result = loop {
                let chunk = match &source {
                    StdinSource::Empty => break Ok(()),
                    StdinSource::Pipe(p) => match p.read(CHUNK) {
                        Some(bytes) => bytes,
                        None => break Ok(()),
                    },
                    // The process's stdin blocks: a thread of `blocking`'s
                    // pool waits on it, not the thread running the store.
                    StdinSource::Inherit => {
                        let read = blocking::unblock(|| {
                            crate::io::read_some(&mut std::io::stdin().lock(), CHUNK)
                        });
                        match read.await {
                            Ok(bytes) if bytes.is_empty() => break Ok(()),
                            Ok(bytes) => bytes,
                            Err(e) => break Err(error_code(&e)),
                        }
                    }
                };
                let len = chunk.len();
                // Fewer taken: the guest dropped its end, and the spec
                // says the future then reports success.
                if tx.write(&a, chunk).await? < len {
                    break Ok(());
                }
            };
            tx.close(&a)?;
            done_tx.write(&a, result).await?;
            Ok(())
        })?;
        Ok((rx, done_rx))
    }
}

impl stdout::Host for WasiCtx {
    async fn write_via_stream(
        access: Access<Self>,
        data: StreamReader<u8>,
    ) -> Result<FutureReader<core::result::Result<(), ErrorCode>>> {
        let sink = access.with(|cx| cx.stdout.clone())?;
        drain_into(&access, data, sink)
    }
}

impl stderr::Host for WasiCtx {
    async fn write_via_stream(
        access: Access<Self>,
        data: StreamReader<u8>,
    ) -> Result<FutureReader<core::result::Result<(), ErrorCode>>> {
        let sink = access.with(|cx| cx.stderr.clone())?;
        drain_into(&access, data, sink)
    }
}

/// Spawns the task that copies the guest's stream into `sink` until the
/// guest drops its end; the future it returns says how that ended.
fn drain_into(
    access: &Access<WasiCtx>,
    data: StreamReader<u8>,
    sink: OutputSink,
) -> Result<FutureReader<core::result::Result<(), ErrorCode>>> {
    let (done_tx, done_rx) = hostbind::future::<core::result::Result<(), ErrorCode>>(access)?;
    let a = access.clone();
    access.spawn(async move {
        let mut result = Ok(());
        while let Some(chunk) = data.read(&a, CHUNK).await? {
            let written = match &sink {
                OutputSink::Sink => Ok(()),
                OutputSink::Pipe(p) => {
                    p.write(&chunk);
                    Ok(())
                }
                // The process's own stdout or stderr can block (a full
                // pipe, a slow terminal): a thread of the pool writes it.
                process => {
                    let process = process.clone();
                    blocking::unblock(move || write_process(&process, &chunk)).await
                }
            };
            if let Err(e) = written {
                result = Err(error_code(&e));
                break;
            }
        }
        data.close(&a)?;
        done_tx.write(&a, result).await?;
        Ok(())
    })?;
    Ok(done_rx)
}

/// Writes `bytes` to the process's stdout or stderr.
fn write_process(sink: &OutputSink, bytes: &[u8]) -> std::io::Result<()> {
    match sink {
        OutputSink::InheritStdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()
        }
        OutputSink::InheritStderr => std::io::stderr().write_all(bytes),
        OutputSink::Sink | OutputSink::Pipe(_) => Ok(()),
    }
}

fn error_code(e: &std::io::Error) -> ErrorCode {
    match e.kind() {
        std::io::ErrorKind::BrokenPipe => ErrorCode::Pipe,
        std::io::ErrorKind::InvalidData => ErrorCode::IllegalByteSequence,
        _ => ErrorCode::Io,
    }
}

impl terminal_input::Host for WasiCtx {}

impl terminal_input::HostTerminalInput for WasiCtx {
    fn drop(&mut self, rep: Resource<TerminalInput>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }
}

impl terminal_output::Host for WasiCtx {}

impl terminal_output::HostTerminalOutput for WasiCtx {
    fn drop(&mut self, rep: Resource<TerminalOutput>) -> Result<()> {
        self.table.delete(rep).map(|_| ())
    }
}

impl terminal_stdin::Host for WasiCtx {
    fn get_terminal_stdin(&mut self) -> Result<Option<Resource<TerminalInput>>> {
        Ok(self.terminal_stdin())
    }
}

impl terminal_stdout::Host for WasiCtx {
    fn get_terminal_stdout(&mut self) -> Result<Option<Resource<TerminalOutput>>> {
        Ok(self.terminal_stdout())
    }
}

impl terminal_stderr::Host for WasiCtx {
    fn get_terminal_stderr(&mut self) -> Result<Option<Resource<TerminalOutput>>> {
        Ok(self.terminal_stderr())
    }
}
