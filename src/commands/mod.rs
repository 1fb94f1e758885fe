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

/// Whether descriptor 1 was open when the process started: 0 not recorded, 1 open, 2 closed.
static STDOUT_AT_START: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Records whether stdout is open, for [`write_stdout`]. The binaries call it from an ELF
/// constructor ([`record_stdout_before_main`](crate::record_stdout_before_main)), which runs
/// before Rust's runtime replaces a closed standard descriptor with `/dev/null`. Only reads
/// descriptor state: safe before the runtime is set up.
pub fn record_stdout_at_start() {
    #[cfg(unix)]
    {
        // SAFETY: F_GETFD only reads the state of descriptor 1
        let open = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } != -1;
        STDOUT_AT_START.store(
            if open { 1 } else { 2 },
            std::sync::atomic::Ordering::Relaxed,
        );
    }
}

/// Records, before `main` runs, whether the process started with stdout open (see
/// [`record_stdout_at_start`](crate::commands::record_stdout_at_start)); for each binary.
#[macro_export]
macro_rules! record_stdout_before_main {
    () => {
        #[cfg(target_os = "linux")]
        #[used]
        #[link_section = ".init_array"]
        static RECORD_STDOUT: extern "C" fn() = {
            extern "C" fn record() {
                $crate::commands::record_stdout_at_start();
            }
            record
        };
    };
}

/// Whether the process started with stdout closed (`semgate check >&-`): recorded before `main`
/// where the binary could ([`record_stdout_at_start`]). Otherwise a guess: Rust's runtime
/// reopens a closed standard descriptor on `/dev/null`, read-write, before `main`, and every
/// write then "succeeds"; a read-write `/dev/null` on fd 1 is taken for that, where a shell's
/// `> /dev/null` opens it write-only (but Python's `subprocess.DEVNULL` opens it read-write, so
/// the guess is only the fallback).
fn stdout_was_closed() -> bool {
    match STDOUT_AT_START.load(std::sync::atomic::Ordering::Relaxed) {
        1 => return false,
        2 => return true,
        _ => {}
    }
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
