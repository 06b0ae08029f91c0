//! The language server (`plimsoll server`).

/// Runs the server on standard input and output; returns the exit code.
pub fn run() -> u8 {
    0
}
