//! The `cargo-semgate` binary, so that `cargo semgate ...` works once it is on PATH.

semgate::record_stdout_before_main!();

fn main() {
    std::process::exit(semgate::main_with_args(std::env::args_os()));
}
