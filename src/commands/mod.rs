//! The commands, on top of the pipeline: each turns its arguments into stages and an exit code.

pub mod bump;
pub mod check;
pub mod compare;
pub mod explain;
pub mod tag;
pub mod version;

/// Writes the report (or other command output) to stdout. A write that fails (a closed or full
/// stdout, a reader that went away) is an error: a verdict nobody received is not a pass. The
/// last chance to honour an interrupt comes before anything is printed.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    compare::pause_point("report");
    crate::interrupt::check()?;
    write_stdout(text)
}

/// Writes command output to stdout: the one place semgate prints its results. A failed write
/// (a closed or full stdout, a reader that went away) is an error, never ignored: a verdict
/// nobody received must not look like a pass.
pub(crate) fn write_stdout(text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    if stdout_was_closed() {
        anyhow::bail!("stdout is closed, so the report cannot be written (was it run with `>&-`?)");
    }
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("failed to write to stdout")
}

/// Whether the process started with stdout closed (`semgate check >&-`). Rust's runtime reopens
/// a closed standard descriptor on `/dev/null`, read-write, before `main`, and every write then
/// "succeeds": a read-write `/dev/null` on fd 1 is that, where a shell's `> /dev/null` (which
/// must keep working: the exit code is the answer) opens it write-only.
fn stdout_was_closed() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: F_GETFL and fstat only read the state of descriptor 1
        let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL) };
        if flags == -1 {
            return true;
        }
        if flags & libc::O_ACCMODE != libc::O_RDWR {
            return false;
        }
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        if unsafe { libc::fstat(libc::STDOUT_FILENO, &mut st) } != 0 {
            return true;
        }
        std::fs::metadata("/dev/null").is_ok_and(|null| {
            null.rdev() == st.st_rdev as u64 && (st.st_mode & libc::S_IFMT) == libc::S_IFCHR
        })
    }
    #[cfg(not(unix))]
    {
        false
    }
}
