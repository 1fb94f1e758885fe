//! The `cargo-semgate` binary, so that `cargo semgate ...` works once it is on PATH.

fn main() {
    std::process::exit(semgate::main_with_args(std::env::args_os()));
}
