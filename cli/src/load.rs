//! The component a command names: a binary, compiled for the engine the
//! flags ask for, or a file `hostbind compile` saved, loaded as it is.

use std::path::Path;

use anyhow::{Context, Result};
use hostbind::{Component, Config, Engine, EngineKind};

use crate::EngineArg;

/// What the engine must do for the command that loads the component.
pub(crate) struct Needs {
    /// `--engine`, if given.
    pub(crate) engine: Option<EngineArg>,
    /// Fuel metering (`--fuel`).
    pub(crate) fuel: bool,
    /// Stopping a guest after a time (`--timeout`).
    pub(crate) interruptible: bool,
    /// `--allow-precompiled`: the user's word that a precompiled file is
    /// one they made.
    pub(crate) allow_precompiled: bool,
}

fn engine_kind(kind: EngineArg) -> Result<EngineKind> {
    Ok(match kind {
        EngineArg::Wasmi => EngineKind::Wasmi,
        #[cfg(feature = "wasmtime")]
        EngineArg::Wasmtime => EngineKind::Wasmtime,
        #[cfg(not(feature = "wasmtime"))]
        EngineArg::Wasmtime => {
            anyhow::bail!(
                "this `hostbind` was built without the wasmtime engine (feature `wasmtime`)"
            )
        }
    })
}

/// An engine of `kind` set up for `fuel` and `interruptible` runs.
pub(crate) fn engine(kind: EngineArg, fuel: bool, interruptible: bool) -> Result<Engine> {
    let mut config = Config::new();
    config
        .kind(engine_kind(kind)?)
        .consume_fuel(fuel)
        .interruptible(interruptible);
    Engine::with_config(&config)
}

/// The component at `path` and the engine it runs on: wasmi unless
/// `--engine` says otherwise, and wasmtime for a precompiled file.
pub(crate) fn component(path: &Path, needs: &Needs) -> Result<(Engine, Component)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !Component::is_precompiled(&bytes) {
        let kind = needs.engine.unwrap_or(EngineArg::Wasmi);
        let engine = engine(kind, needs.fuel, needs.interruptible)?;
        let component =
            Component::new(&engine, bytes).with_context(|| format!("in `{}`", path.display()))?;
        return Ok((engine, component));
    }
    if !needs.allow_precompiled {
        anyhow::bail!(
            "`{}` is a precompiled component; run it with `--allow-precompiled` if you made it with `hostbind compile` (its machine code runs as it is)",
            path.display()
        );
    }
    if matches!(needs.engine, Some(EngineArg::Wasmi)) {
        anyhow::bail!(
            "`{}` is precompiled for the wasmtime engine; wasmi runs component binaries only",
            path.display()
        );
    }
    let engine = engine(EngineArg::Wasmtime, needs.fuel, needs.interruptible)?;
    // SAFETY: `--allow-precompiled` is the user's word that the file is what
    // `hostbind compile` wrote; `deserialize` checks its header, version and
    // engine configuration, and refuses anything else.
    let component = unsafe { Component::deserialize(&engine, &bytes) }.with_context(|| {
        let fuel = if needs.fuel { " --fuel" } else { "" };
        let timeout = if needs.interruptible {
            " --interruptible"
        } else {
            ""
        };
        format!(
            "in `{}` (compile it again with this hostbind, for these flags: `hostbind compile{fuel}{timeout} COMPONENT -o {}`)",
            path.display(),
            path.display()
        )
    })?;
    Ok((engine, component))
}
