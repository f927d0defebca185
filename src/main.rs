//! The `vitrine` binary: everything from parsing the command line to the
//! exit code is [`vitrine::startup`]'s.

use std::process::ExitCode;

fn main() -> ExitCode {
    vitrine::startup::main()
}
