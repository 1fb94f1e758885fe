#!/bin/sh
# semgate-gate.sh: the semgate release gate for CI systems other than GitHub Actions
# (GitLab CI, Jenkins, Buildkite, a pre-push hook, ...). Plain POSIX sh.
#
# Usage: ci/semgate-gate.sh [semgate check arguments...]
#   e.g. ci/semgate-gate.sh --workspace
#        ci/semgate-gate.sh --format json > semgate.json
#
# The report goes to stdout, exactly as `semgate check` prints it; this script's own messages
# and its one-line verdict go to stderr, so stdout stays machine-readable.
#
# Exit status, the same contract as semgate's:
#   0  the gate passed: the proposed version is large enough for the API changes
#   1  the gate refused: the version bump is too small
#   2  semgate could not decide (not installed, no release tag, the crate does not build, ...)
# Any other status from semgate (a crash, a signal) is reported as 2: never a pass.

# no `set -e`: the script inspects semgate's exit status itself
set -u

say() {
    printf 'semgate-gate: %s\n' "$*" >&2
}

if ! command -v semgate >/dev/null 2>&1; then
    say "semgate is not installed (not found on PATH); install it from its repository: cargo install --locked --git <semgate repository> --rev <tag> semgate"
    exit 2
fi

# The baseline is the newest release tag reachable from HEAD; a shallow clone (the default of
# many CI systems) has neither the history nor the tags.
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
    say "shallow clone: fetching the full history and the tags"
    if ! git fetch --quiet --tags --unshallow; then
        say "git fetch --tags --unshallow failed: without the release tags there is no baseline"
        exit 2
    fi
fi

semgate check "$@"
status=$?

case $status in
    0)
        say "PASS: the proposed version is large enough for the API changes"
        ;;
    1)
        say "FAIL: the version bump is too small for the API changes (exit 1)"
        ;;
    2)
        say "ERROR: semgate could not decide (exit 2); the gate did not pass"
        ;;
    *)
        say "ERROR: semgate exited with status $status; treated as could not decide (exit 2)"
        status=2
        ;;
esac
exit "$status"
