//! Errors: the public `Error` alias and `Trap`, the error of a guest that broke a rule.

use core::fmt;

/// The error type of every fallible hostbind operation.
///
/// It is [`anyhow::Error`], so `?` works on any `std::error::Error` and on
/// `anyhow` values, as it does with wasmtime. Traps caused by the guest carry a
/// [`Trap`] that can be recovered with `downcast_ref`.
pub type Error = anyhow::Error;

/// `Result` with [`Error`] as its default error type.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// A guest broke a rule of the canonical ABI, or the runtime refused a call.
///
/// The message says what was expected, what was found, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    message: String,
}

impl Trap {
    /// A trap with this message.
    pub fn new(message: impl Into<String>) -> Trap {
        Trap {
            message: message.into(),
        }
    }

    /// The message, without any context added on the way up.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the guest stopped because it used all the fuel its store
    /// was given (`Store::set_fuel`).
    pub fn is_out_of_fuel(&self) -> bool {
        self.message == crate::engine::limits::OUT_OF_FUEL
    }

    /// Whether the guest was stopped through an
    /// [`InterruptHandle`](crate::InterruptHandle).
    pub fn is_interrupted(&self) -> bool {
        self.message == crate::engine::limits::INTERRUPTED
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Trap {}

/// Where a value crosses the boundary, for error messages.
#[derive(Clone, Copy, Debug)]
pub struct Site<'a> {
    /// The function: a host function's Rust name or an export's name.
    pub func: &'a str,
    /// Which value of it.
    pub place: Place<'a>,
}

/// Which value of a function a [`Site`] names.
#[derive(Clone, Copy, Debug)]
pub enum Place<'a> {
    /// A parameter, by name.
    Param(&'a str),
    /// The parameters as a whole, when passed through memory.
    Params,
    /// The result.
    Result,
}

impl fmt::Display for Site<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Place::Param(name) => write!(f, "param `{name}` of `{}`", self.func),
            Place::Params => write!(f, "params of `{}`", self.func),
            Place::Result => write!(f, "result of `{}`", self.func),
        }
    }
}

impl Site<'_> {
    /// A [`Trap`] whose message ends with " in <site>".
    #[cold]
    pub(crate) fn trap(&self, what: fmt::Arguments<'_>) -> Error {
        Trap::new(format!("{what} in {self}")).into()
    }
}

/// The text of a caught panic's payload, for an error message.
#[cold]
pub(crate) fn panic_text(payload: Box<dyn core::any::Any + Send>) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string payload".to_string());
    // Dropping a panic payload can itself panic; keep it out of our frame.
    core::mem::forget(payload);
    msg
}
