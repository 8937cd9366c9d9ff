//! `wasi:cli`: arguments and environment, exit, stdio and the terminals.

use std::io::IsTerminal;

use hostbind::{Resource, Result};

use crate::bindings::wasi::cli::{
    environment, exit, stderr, stdin, stdout, terminal_input, terminal_output, terminal_stderr,
    terminal_stdin, terminal_stdout,
};
use crate::ctx::{OutputSink, StdinSource, WasiCtx};
use crate::io::{InputStream, OutputStream};

/// The guest called `wasi:cli/exit`: the error a call returns, which the
/// embedder finds with `downcast_ref::<I32Exit>()` and turns into the
/// process's exit code. The guest's instance is not usable after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct I32Exit(pub i32);

impl core::fmt::Display for I32Exit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the guest exited with status {}", self.0)
    }
}

impl std::error::Error for I32Exit {}

/// A `wasi:cli/terminal-input/terminal-input`.
#[derive(Debug)]
pub struct TerminalInput;

/// A `wasi:cli/terminal-output/terminal-output`.
#[derive(Debug)]
pub struct TerminalOutput;

impl environment::Host for WasiCtx {
    fn get_environment(&mut self) -> Result<Vec<(String, String)>> {
        Ok(self.env.clone())
    }

    fn get_arguments(&mut self) -> Result<Vec<String>> {
        Ok(self.args.clone())
    }

    fn initial_cwd(&mut self) -> Result<Option<String>> {
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
    fn get_stdin(&mut self) -> Result<Resource<InputStream>> {
        Ok(self.stdin_stream())
    }
}

impl stdout::Host for WasiCtx {
    fn get_stdout(&mut self) -> Result<Resource<OutputStream>> {
        let sink = self.stdout.clone();
        Ok(self.output_stream(sink))
    }
}

impl stderr::Host for WasiCtx {
    fn get_stderr(&mut self) -> Result<Resource<OutputStream>> {
        let sink = self.stderr.clone();
        Ok(self.output_stream(sink))
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

/// Whether a stream is an inherited terminal: only then does the guest
/// learn that it is one.
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

/// The terminals, for both WASI versions: one only where the guest's
/// stream is the process's own and that is a terminal.
impl WasiCtx {
    pub(crate) fn terminal_stdin(&mut self) -> Option<Resource<TerminalInput>> {
        let tty = matches!(self.stdin, StdinSource::Inherit) && std::io::stdin().is_terminal();
        tty.then(|| self.table.push(TerminalInput))
    }

    pub(crate) fn terminal_stdout(&mut self) -> Option<Resource<TerminalOutput>> {
        let tty =
            matches!(self.stdout, OutputSink::InheritStdout) && std::io::stdout().is_terminal();
        tty.then(|| self.table.push(TerminalOutput))
    }

    pub(crate) fn terminal_stderr(&mut self) -> Option<Resource<TerminalOutput>> {
        let tty =
            matches!(self.stderr, OutputSink::InheritStderr) && std::io::stderr().is_terminal();
        tty.then(|| self.table.push(TerminalOutput))
    }
}
