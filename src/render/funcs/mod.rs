//! The function library behind one call interface.
//!
//! The executor evaluates a call's arguments, then calls [`lookup`]'s function with them.
//! Functions that need the engine (`include`, `tpl`, `template`-like calls), and `and`/`or`
//! (which short-circuit), are the executor's own and never reach this table.
//!
//! Each function checks its arguments the way Go's reflection checks a call to a typed Go
//! function: arity first, then assignability (numbers are never converted between kinds).

use super::value::Value;

/// Why a call failed; the executor turns it into Helm's message.
#[derive(Clone, Debug, PartialEq)]
pub enum CallError {
    /// Wrong number of arguments: `wrong number of args for NAME: want N got M`
    /// (`want at least N` for variadic functions). Holds the whole message.
    Arity(String),
    /// An argument is not assignable to the parameter type, reported before the call:
    /// `wrong type for value; expected int; got float64`. Holds the whole message.
    ArgType(String),
    /// The function returned an error or panicked; reported as `error calling NAME: MSG`.
    /// Holds MSG.
    Failed(String),
}

/// State a function may need that is not in its arguments: the deterministic source for
/// random and time-based functions.
#[derive(Debug, Default)]
pub struct FuncCtx {
    /// Advanced by every random function so each call differs, the same way on every run.
    pub rng_state: u64,
}

pub type Func = fn(&mut FuncCtx, Vec<Value>) -> Result<Value, CallError>;

/// The function registered under `name`, if any.
pub fn lookup(name: &str) -> Option<Func> {
    let _ = name;
    None
}
