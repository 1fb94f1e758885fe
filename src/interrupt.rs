//! Ctrl-C / SIGTERM handling: a global flag plus a child-process runner that honours it.
//!
//! semgate never dies in the middle of a build from a signal: the handler only sets a flag,
//! child processes are polled and killed when the flag is up, and an [`Interrupted`] error
//! travels up the stack so every `TempDir` and lockfile guard is dropped (and cleaned up) on
//! the way out. A second Ctrl-C exits immediately, for users who really want out.
//!
//! On Unix each child runs in its own process group, so an interrupt can stop the child *and*
//! everything it started (cargo's rustc and build-script processes) instead of orphaning
//! them; the terminal's Ctrl-C no longer reaches children directly, semgate forwards it.

use std::fmt;
use std::io::{self, Read, Write};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
/// Process-group ids of running children, for the forced exit on a second signal.
static ACTIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Exit code used when the user insists (second Ctrl-C): the conventional 128 + SIGINT.
const FORCED_EXIT_CODE: i32 = 130;

/// How long a child's process group gets to stop after SIGINT before it is SIGKILLed; cargo
/// normally stops its jobs well within this.
const GRACE: Duration = Duration::from_secs(2);

/// How long to keep reading a child's pipes after it exited (see [`run_with`]).
const PIPE_DRAIN: Duration = Duration::from_secs(5);

/// The error returned when the user interrupted semgate. Callers can detect it with
/// `err.downcast_ref::<Interrupted>()` (or [`is_interrupted_error`]) to pick an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Installs the Ctrl-C / SIGTERM handler. Idempotent: later calls return the first result.
pub fn install() -> anyhow::Result<()> {
    let result = INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                // Second signal: the user wants out now, cleanup or not; still take the
                // children down so no build keeps running in the background.
                let pids: Vec<u32> = ACTIVE.lock().map(|a| a.clone()).unwrap_or_default();
                for pid in pids {
                    signal_group(pid, "KILL");
                }
                let _ = writeln!(io::stderr(), "\ninterrupted twice; exiting without cleanup");
                std::process::exit(FORCED_EXIT_CODE);
            }
        })
        .map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => Ok(()),
        Err(e) => Err(anyhow::anyhow!("could not install the ctrl-c handler: {e}")),
    }
}

/// Whether an interrupt has been requested.
pub fn is_interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Returns `Err(Interrupted)` once an interrupt has been requested; call it in loops.
pub fn check() -> anyhow::Result<()> {
    if is_interrupted() {
        Err(Interrupted.into())
    } else {
        Ok(())
    }
}

/// Requests an interrupt programmatically (what the signal handler does).
#[cfg(test)]
pub fn trigger() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Clears the flag. Only meant for tests that exercise [`trigger`].
#[cfg(test)]
pub fn reset() {
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// True when `err` (or anything in its chain) is an [`Interrupted`].
pub fn is_interrupted_error(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<Interrupted>().is_some())
}

/// Options for [`run_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Copy the child's stderr to our stderr line by line as it arrives (it is captured too).
    pub echo_stderr: bool,
    /// Bytes written to the child's stdin (closed afterwards); `None` closes it at once.
    pub input: Option<&'a [u8]>,
    /// The child starts processes of its own (cargo: rustc, build scripts): run it under a
    /// reaper that takes the whole process group down if semgate dies, even by SIGKILL.
    pub reap: bool,
}

/// Set in the environment of semgate running as a reaper (see [`reap`]).
pub const REAPER_ENV: &str = "SEMGATE_REAPER";

/// The semgate executable, when this process is one: only it can serve as the reaper. (A test
/// harness using the library is not; its children get the parent-death signal directly.)
fn self_exe() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let stem = exe.file_stem()?.to_str()?;
    matches!(stem, "semgate" | "cargo-semgate").then_some(exe)
}

/// semgate as a reaper (`SEMGATE_REAPER=1 semgate <program> <args>...`): the leader of a
/// process group that runs `program` in it and waits. The kernel sends it SIGTERM when the
/// semgate that started it dies (a parent-death signal), and it then kills the whole group,
/// so cargo, rustc and build scripts never outlive a killed semgate. Returns the exit code.
#[cfg(unix)]
pub fn reap(args: &[std::ffi::OsString]) -> i32 {
    extern "C" fn kill_group(_: libc::c_int) {
        // SAFETY: killpg is async-signal-safe; 0 is this process's own group
        unsafe {
            libc::killpg(0, libc::SIGKILL);
        }
    }
    let Some((program, rest)) = args.split_first() else {
        let _ = writeln!(
            io::stderr(),
            "semgate: the reaper was run without a program"
        );
        return 2;
    };
    // SAFETY: installs a handler that only calls an async-signal-safe function
    unsafe {
        libc::signal(libc::SIGTERM, kill_group as *const () as libc::sighandler_t);
    }
    let status = Command::new(program)
        .args(rest)
        .env_remove(REAPER_ENV)
        .status();
    match status {
        Ok(status) => {
            use std::os::unix::process::ExitStatusExt;
            status
                .code()
                .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
        }
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "{}",
                spawn_error(&program.to_string_lossy(), &e)
            );
            127
        }
    }
}

#[cfg(not(unix))]
pub fn reap(args: &[std::ffi::OsString]) -> i32 {
    let Some((program, rest)) = args.split_first() else {
        return 2;
    };
    match Command::new(program)
        .args(rest)
        .env_remove(REAPER_ENV)
        .status()
    {
        Ok(status) => status.code().unwrap_or(101),
        Err(_) => 127,
    }
}

/// Runs `cmd` to completion capturing stdout and stderr (stdin is closed), killing it if the
/// user interrupts. The exit status is *not* checked: that is the caller's call.
pub fn run(cmd: &mut Command) -> anyhow::Result<Output> {
    run_with(cmd, RunOptions::default())
}

/// [`run`] with options.
pub fn run_with(cmd: &mut Command, options: RunOptions<'_>) -> anyhow::Result<Output> {
    check()?;
    let program = cmd.get_program().to_string_lossy().into_owned();
    let reaper = options.reap.then(self_exe).flatten();
    let mut reaped;
    let cmd = match &reaper {
        Some(exe) => {
            reaped = Command::new(exe);
            reaped
                .env(REAPER_ENV, "1")
                .arg(cmd.get_program())
                .args(cmd.get_args());
            if let Some(dir) = cmd.get_current_dir() {
                reaped.current_dir(dir);
            }
            for (key, value) in cmd.get_envs() {
                match value {
                    Some(v) => reaped.env(key, v),
                    None => reaped.env_remove(key),
                };
            }
            &mut reaped
        }
        None => cmd,
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
        let parent = std::process::id();
        let signal = if reaper.is_some() {
            libc::SIGTERM
        } else {
            libc::SIGKILL
        };
        // SAFETY: between fork and exec only async-signal-safe calls: prctl and getppid
        unsafe {
            cmd.pre_exec(move || {
                #[cfg(target_os = "linux")]
                {
                    libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong);
                    // semgate may have died before the request took effect
                    if libc::getppid() as u32 != parent {
                        libc::_exit(1);
                    }
                }
                #[cfg(not(target_os = "linux"))]
                let _ = (parent, signal);
                Ok(())
            });
        }
    }
    let mut child = cmd
        .stdin(if options.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_error(&program, &e))?;

    let _active = ActiveChild::register(child.id());
    if let (Some(input), Some(mut stdin)) = (options.input, child.stdin.take()) {
        // written on a thread: a child that fills its stdout before reading all of its input
        // would otherwise deadlock against us
        let input = input.to_vec();
        thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }

    // Pipes are drained on threads so a chatty child can never block on a full pipe while
    // we poll it. The buffers are shared rather than returned from the threads because a
    // grandchild (rustc after cargo was killed, a compiler-cache daemon) may keep a pipe open
    // long after the child itself is gone: we never wait for those indefinitely.
    let out_buf = Arc::new(Mutex::new(Vec::new()));
    let err_buf = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let mut readers = 0;
    if let Some(out) = child.stdout.take() {
        readers += 1;
        spawn_reader(out, Arc::clone(&out_buf), false, done_tx.clone());
    }
    if let Some(err) = child.stderr.take() {
        readers += 1;
        spawn_reader(
            err,
            Arc::clone(&err_buf),
            options.echo_stderr,
            done_tx.clone(),
        );
    }
    drop(done_tx);

    // On interrupt the readers are simply abandoned (they end when the pipes close).
    let status = wait_interruptibly(&mut child)?;
    let deadline = Instant::now() + PIPE_DRAIN;
    for _ in 0..readers {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break;
        }
    }
    Ok(Output {
        status,
        stdout: take(&out_buf),
        stderr: take(&err_buf),
    })
}

fn take(buf: &Mutex<Vec<u8>>) -> Vec<u8> {
    match buf.lock() {
        Ok(mut b) => std::mem::take(&mut *b),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    }
}

fn spawn_reader(
    mut pipe: impl Read + Send + 'static,
    buf: Arc<Mutex<Vec<u8>>>,
    echo: bool,
    done: mpsc::Sender<()>,
) {
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    if let Ok(mut b) = buf.lock() {
                        b.extend_from_slice(&chunk[..n]);
                    }
                    if echo {
                        let mut stderr = io::stderr().lock();
                        let _ = stderr.write_all(&chunk[..n]);
                        let _ = stderr.flush();
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let _ = done.send(());
    });
}

fn spawn_error(program: &str, e: &io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "could not run `{program}`: it was not found on PATH; install it or fix PATH"
        )
    } else {
        anyhow::anyhow!("could not run `{program}`: {e}")
    }
}

/// Registration of a running child in [`ACTIVE`] for as long as it lives.
struct ActiveChild(u32);

impl ActiveChild {
    fn register(pid: u32) -> ActiveChild {
        if let Ok(mut a) = ACTIVE.lock() {
            a.push(pid);
        }
        ActiveChild(pid)
    }
}

impl Drop for ActiveChild {
    fn drop(&mut self) {
        if let Ok(mut a) = ACTIVE.lock() {
            a.retain(|p| *p != self.0);
        }
    }
}

/// Sends `signal` (`INT` or `KILL`) to the process group `pgid` led by one of our children.
#[cfg(unix)]
fn signal_group(pgid: u32, signal: &str) {
    let sig = match signal {
        "INT" => libc::SIGINT,
        _ => libc::SIGKILL,
    };
    // SAFETY: killpg with a group id we created; errors (the group is gone) are harmless
    unsafe {
        if let Ok(pgid) = libc::pid_t::try_from(pgid) {
            libc::killpg(pgid, sig);
        }
    }
}

#[cfg(not(unix))]
fn signal_group(_pgid: u32, _signal: &str) {}

/// Waits for the child to exit or an interrupt to arrive. On interrupt the child's process
/// group gets SIGINT (what a terminal's Ctrl-C would have sent: cargo stops its jobs cleanly),
/// then [`GRACE`] to exit, then SIGKILL; `Err(Interrupted)` is returned either way.
///
/// The exit is seen the moment it happens: a helper thread blocks in `waitid(WNOWAIT)` (which
/// waits without reaping, so the `Child` still collects its own status) and wakes this one,
/// which only polls for the interrupt flag in between. Polling the child instead cost every
/// run up to one polling interval per process (about 40 ms on a warm run's critical path).
fn wait_interruptibly(child: &mut Child) -> anyhow::Result<ExitStatus> {
    let exited = exit_signal(child);
    loop {
        match exited.recv_timeout(INTERRUPT_POLL) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                if let Some(status) = child.try_wait()? {
                    return Ok(status);
                }
                // the helper could not wait (or is unavailable here): fall back to polling
                if !is_interrupted() {
                    thread::sleep(Duration::from_millis(5));
                    continue;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Some(status) = child.try_wait()? {
                    return Ok(status);
                }
            }
        }
        if is_interrupted() {
            signal_group(child.id(), "INT");
            let deadline = Instant::now() + GRACE;
            while Instant::now() < deadline {
                if child.try_wait()?.is_some() {
                    // The leader is gone; make sure nothing it started lingers.
                    signal_group(child.id(), "KILL");
                    return Err(Interrupted.into());
                }
                thread::sleep(Duration::from_millis(20));
            }
            signal_group(child.id(), "KILL");
            let _ = child.kill();
            let _ = child.wait();
            return Err(Interrupted.into());
        }
    }
}

/// How often a wait checks the interrupt flag: imperceptible for Ctrl-C.
const INTERRUPT_POLL: Duration = Duration::from_millis(50);

/// A channel that receives a message (or disconnects) once `child` has exited, without
/// reaping it.
#[cfg(unix)]
fn exit_signal(child: &Child) -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel();
    let pid = libc::id_t::from(child.id());
    let spawned = thread::Builder::new()
        .name("semgate-wait".into())
        .spawn(move || loop {
            // SAFETY: zeroed siginfo_t is a valid out-parameter for waitid
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: waitid on our own child's pid; WNOWAIT leaves it to be reaped by `Child`
            let rc =
                unsafe { libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT) };
            if rc == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                let _ = tx.send(());
                return;
            }
        });
    drop(spawned);
    rx
}

#[cfg(not(unix))]
fn exit_signal(_child: &Child) -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel();
    let _keep_waiting = std::mem::ManuallyDrop::new(tx);
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_output_and_status() {
        let out = run(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]))
            .expect("sh runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "out\n");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "err\n");
        assert_eq!(out.status.code(), Some(3));
    }

    #[test]
    fn missing_program_is_a_clear_error() {
        let err = run(&mut Command::new("semgate-no-such-program")).unwrap_err();
        assert!(err.to_string().contains("not found on PATH"), "{err}");
    }

    #[test]
    fn interrupt_kills_a_running_child() {
        // This is the only unit test touching the global flag.
        let started = Instant::now();
        let trigger_thread = thread::spawn(|| {
            thread::sleep(Duration::from_millis(200));
            trigger();
        });
        let err = run(Command::new("sleep").arg("30")).unwrap_err();
        trigger_thread.join().expect("trigger thread");
        assert!(is_interrupted_error(&err), "{err:?}");
        assert!(check().is_err());
        reset();
        assert!(check().is_ok());
        // Grace period plus slack: far below the 30s the child wanted.
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
