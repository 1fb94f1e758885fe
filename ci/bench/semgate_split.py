"""Runs `semgate check -v` on two rustdoc JSON files and reads the load/diff split it reports
(for the ci/bench scripts that compare it with something else in the same run)."""
import re
import subprocess
import sys
import time


def run(exe, a, b):
    """(wall seconds, load seconds, diff seconds) of one run; exits on a failed run."""
    start = time.monotonic()
    p = subprocess.run([exe, "check", "-v", "--format", "json", "--baseline-rustdoc", a,
                        "--current-rustdoc", b], capture_output=True, text=True)
    wall = time.monotonic() - start
    m = re.search(r"items in ([0-9.]+)s, diffed \d+ public paths in ([0-9.]+)s", p.stderr)
    if p.returncode not in (0, 1) or not m:
        sys.exit(f"{exe} failed: {p.stderr[-500:]}")
    return wall, float(m.group(1)), float(m.group(2))
