//! `Config`: how an [`Engine`](crate::Engine) is set up, the same on every core engine.

/// Which core engine runs components.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// wasmi, a pure-Rust interpreter: the default.
    Wasmi,
    /// wasmtime's core API, compiling with Cranelift (feature `wasmtime`).
    #[cfg(feature = "wasmtime")]
    Wasmtime,
}

/// How an engine is set up: which core engine, and which limits its
/// stores can impose on guests.
///
/// ```
/// use hostbind::{Config, Engine, EngineKind};
///
/// let engine = Engine::with_config(
///     Config::new().kind(EngineKind::Wasmi).consume_fuel(true).interruptible(true),
/// )?;
/// assert_eq!(engine.kind(), EngineKind::Wasmi);
/// # Ok::<(), hostbind::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub(crate) kind: EngineKind,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
    pub(crate) parallel_compilation: bool,
    pub(crate) wasmi_compilation: WasmiCompilation,
}

/// When wasmi validates and translates a function body, set with
/// [`Config::wasmi_compilation`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WasmiCompilation {
    /// Everything when the component is loaded.
    Eager,
    /// Validate when loaded, translate a function when it is first called:
    /// the default.
    #[default]
    LazyTranslation,
    /// Validate and translate a function when it is first called. A large
    /// component loads fastest; an invalid function body is then reported
    /// by the call that first reaches it, not by `Component::new`.
    Lazy,
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

impl Config {
    /// wasmi, with no fuel and no interruption.
    pub fn new() -> Config {
        Config {
            kind: EngineKind::Wasmi,
            consume_fuel: false,
            interruptible: false,
            parallel_compilation: true,
            wasmi_compilation: WasmiCompilation::LazyTranslation,
        }
    }

    /// Which core engine runs components.
    pub fn kind(&mut self, kind: EngineKind) -> &mut Config {
        self.kind = kind;
        self
    }

    /// Meter guest code with fuel: each store starts with none, gets a
    /// budget from [`Store::set_fuel`](crate::Store::set_fuel), and a guest
    /// that uses it all traps saying fuel ran out. Fuel is counted in the
    /// engine's own units (about one per instruction), so budgets differ
    /// between engines.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Config {
        self.consume_fuel = on;
        self
    }

    /// Let another thread stop guest code through an
    /// [`InterruptHandle`](crate::InterruptHandle). On wasmtime this is
    /// epoch interruption; on wasmi, guest code runs in slices of fuel
    /// between which the handle is checked.
    pub fn interruptible(&mut self, on: bool) -> &mut Config {
        self.interruptible = on;
        self
    }

    /// Compile a module's functions on every core (wasmtime; on by
    /// default). wasmi translates functions lazily, as they are first
    /// called (see [`Config::wasmi_compilation`]), so this changes
    /// nothing there.
    pub fn parallel_compilation(&mut self, on: bool) -> &mut Config {
        self.parallel_compilation = on;
        self
    }

    /// When wasmi validates and translates function bodies (wasmi only).
    /// [`WasmiCompilation::Lazy`] loads a large component faster (the
    /// 11.6 MB JavaScript guest in 34 ms instead of 62), at the price of
    /// finding invalid code late.
    pub fn wasmi_compilation(&mut self, mode: WasmiCompilation) -> &mut Config {
        self.wasmi_compilation = mode;
        self
    }
}
