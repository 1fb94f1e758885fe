//! The `semgate` binary: a thin shell around [`semgate::main_with_args`].

semgate::record_stdout_before_main!();

fn main() {
    std::process::exit(semgate::main_with_args(std::env::args_os()));
}
