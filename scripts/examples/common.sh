# shellcheck shell=bash
# Shared by every example script (sourced, not run): reads the broker address from the
# arguments, finds mqpub and mqsub, makes a private work directory and topic prefix, and
# provides bounded waits and checks. Rules: every wait has a deadline, every background
# process is stopped on exit, and a failed check prints what was expected and what came,
# then exits non-zero.
#
# Usage inside an example:   source "$(dirname "$0")/common.sh" "$@"
# Arguments of every example: [host] [port]   (default: localhost 1883)

set -euo pipefail

HOST=${1:-localhost}
PORT=${2:-1883}
EXAMPLES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$EXAMPLES_DIR/../.." && pwd)
# shellcheck disable=SC2034  # for the scripts that source this file
DATA_DIR=$EXAMPLES_DIR/data
export HOST PORT

# The tool from PATH, else the newest build in target/release or target/debug.
find_tool() {
    local name=$1 found=""
    # type -P looks for a file only: a shell function of the same name (ours) does not count.
    if found=$(type -P "$name"); then
        echo "$found"
        return
    fi
    for candidate in "$REPO_ROOT/target/release/$name" "$REPO_ROOT/target/debug/$name"; do
        if [ -x "$candidate" ] && { [ -z "$found" ] || [ "$candidate" -nt "$found" ]; }; then
            found=$candidate
        fi
    done
    if [ -z "$found" ]; then
        echo "$name not found: put it on PATH or build it with 'cargo build --release'" >&2
        exit 1
    fi
    echo "$found"
}
MQPUB=$(find_tool mqpub)
MQSUB=$(find_tool mqsub)
export MQPUB MQSUB

# The tools, pointed at the broker. Exported so pipelines run with `spawn` can use them.
mqpub() { "$MQPUB" -h "$HOST" -p "$PORT" "$@"; }
mqsub() { "$MQSUB" -h "$HOST" -p "$PORT" "$@"; }
export -f mqpub mqsub

# awk for pipelines that must pass each line on at once. mawk (Debian's default awk) reads its
# input in large blocks unless told -W interactive; GNU awk reads what is there.
# (The version text is read whole: grep -q would close the pipe early, and pipefail would then
# count awk's SIGPIPE as a failure.)
case "$(awk -W version 2>&1 || true)" in
*mawk*) AWK_LINES="awk -W interactive" ;;
*) AWK_LINES="awk" ;;
esac
export AWK_LINES

# Every topic of a run lives under its own prefix, so runs (and their retained messages) never
# meet, even on a shared broker.
BASE="examples/$(date +%s)-$$"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqtt-example.XXXXXX")
export BASE

BACKGROUND=()
cleanup() {
    local pid
    for pid in "${BACKGROUND[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${BACKGROUND[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

title() { printf '\n=== %s ===\n' "$*"; }
say() { printf '%s\n' "$*"; }
# Shows a command as it would be typed.
show() { printf '$ %s\n' "$(quote_all "$@")"; }
# Shows a command, then runs it.
run() {
    show "$@"
    "$@"
}
fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}
pass() { printf 'OK: %s\n' "$*"; }

# expect_equal WHAT EXPECTED ACTUAL
expect_equal() {
    if [ "$2" != "$3" ]; then
        printf 'FAILED: %s\n--- expected:\n%s\n--- got:\n%s\n' "$1" "$2" "$3" >&2
        exit 1
    fi
}

# spawn NAME COMMAND...: runs a shell command line in the background, in a session of its own
# so that stop_spawned can end it with everything it started (a whole pipeline).
# Its stdout goes to $WORK/NAME.out and its stderr to $WORK/NAME.err; its pid is in SPAWNED.
spawn() {
    local name=$1
    shift
    printf '$ %s &\n' "$*"
    setsid bash -c "$*" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
    SPAWNED=$!
    BACKGROUND+=("$SPAWNED")
}

# stop_spawned PID [SIGNAL]: signals the whole session started by spawn, then reaps it.
stop_spawned() {
    kill "-${2:-TERM}" -- "-$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# subscribe NAME MQSUB-ARGUMENTS...: starts mqsub in the background (with -d, whose log goes to
# $WORK/NAME.err), and returns once the broker has acknowledged the subscription, so nothing
# published afterwards can be missed. Output goes to $WORK/NAME.out; the pid is in SPAWNED.
subscribe() {
    local name=$1
    shift
    spawn "$name" mqsub -d "$(quote_all "$@")"
    wait_for_text "$WORK/$name.err" "received SUBACK" 10 "$name to subscribe"
}

# Quotes each argument for the shell where it needs it, readably ('a b', not a\ b), so the
# result can be both shown and run.
quote_all() {
    local out="" arg
    for arg in "$@"; do
        if [[ $arg =~ ^[A-Za-z0-9_./:=@+,-]+$ ]]; then
            out+=" $arg"
        else
            out+=" '${arg//\'/\'\\\'\'}'"
        fi
    done
    printf '%s' "${out# }"
}

# wait_for_text FILE TEXT SECONDS WHAT: waits until FILE contains TEXT.
wait_for_text() {
    local deadline=$((SECONDS + $3))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || fail "timed out after $3 s waiting for $4"
        sleep 0.05
    done
}

# wait_for_lines FILE COUNT SECONDS: waits until FILE has at least COUNT lines.
wait_for_lines() {
    local deadline=$((SECONDS + $3)) lines
    while :; do
        lines=$(wc -l <"$1" 2>/dev/null || echo 0)
        [ "$lines" -ge "$2" ] && return 0
        [ "$SECONDS" -lt "$deadline" ] ||
            fail "timed out after $3 s waiting for $2 lines in $(basename "$1") (got $lines)"
        sleep 0.05
    done
}

# wait_for_exit PID SECONDS: waits for a background process to end and returns its status;
# fails if it is still running at the deadline.
wait_for_exit() {
    local deadline=$((SECONDS + $2))
    while kill -0 "$1" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || fail "process $1 still running after $2 s"
        sleep 0.05
    done
    local status=0
    wait "$1" || status=$?
    return "$status"
}

# A TCP port nothing listens on, on the loopback interface.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
}

# start_broker PORT DIR [EXTRA-CONFIG-LINES]: starts Debian's mosquitto on 127.0.0.1:PORT with
# its configuration, log and persistence in DIR, and waits until it accepts connections.
# Sets BROKER_PID.
start_broker() {
    local port=$1 dir=$2 extra=${3:-}
    local broker
    broker=$(command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto)
    [ -x "$broker" ] || fail "the mosquitto broker is needed: apt-get install -y mosquitto"
    mkdir -p "$dir"
    cat >"$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
user root
log_dest stderr
log_type error
log_type warning
$extra
CONF
    "$broker" -c "$dir/mosquitto.conf" >>"$dir/broker.log" 2>&1 &
    BROKER_PID=$!
    BACKGROUND+=("$BROKER_PID")
    local deadline=$((SECONDS + 10))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        kill -0 "$BROKER_PID" 2>/dev/null || fail "mosquitto did not start: $(cat "$dir/broker.log")"
        [ "$SECONDS" -lt "$deadline" ] || fail "mosquitto is not listening on port $port"
        sleep 0.05
    done
}
