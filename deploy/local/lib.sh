# Shared helpers for deploy/local/*.sh (sourced, not run).
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="$REPO/deploy/local"
# shellcheck disable=SC2034 # used by the scripts that source this file
POM="$LOCAL_DIR/pom.xml"

say()  { printf '%s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not on PATH${2:+ ($2)}"; }

# now_s: seconds since epoch (with fraction when `date +%N` works)
now_s() { date +%s.%N 2>/dev/null || date +%s; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# pid_alive PID [CMDLINE_SUBSTRING]: true when PID runs (and its command line contains the text,
# which guards against a stale pid file whose number was reused by something else).
pid_alive() {
  local pid="$1" want="${2:-}"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -z "$want" ]] && return 0
  cmdline "$pid" | grep -qF -- "$want"
}

cmdline() { { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null || true; }

# find_pid TEXT: first live process whose command line contains TEXT (exact, e.g. a config path)
find_pid() {
  local d
  for d in /proc/[0-9]*; do
    [[ "${d#/proc/}" == "$$" ]] && continue
    if cmdline "${d#/proc/}" | grep -qF -- "$1"; then echo "${d#/proc/}"; return 0; fi
  done
  return 1
}

# mvn in batch mode plus the caller's NEWSFLOW_MVN_ARGS; strips the colour codes that Debian's
# Maven 3.8 prints even with -B -q. Returns mvn's exit status.
mvn_run() {
  need mvn "install Maven 3.8+"
  local - rc=0
  set -o pipefail
  # shellcheck disable=SC2086
  mvn -B -Dstyle.color=never ${NEWSFLOW_MVN_ARGS:-} "$@" 2>&1 | sed -u $'s/\x1b\\[[0-9;]*m//g' || rc=${PIPESTATUS[0]}
  return "$rc"
}

read_pid() { [[ -s "$1" ]] && tr -dc '0-9' <"$1" || true; }

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_pid NAME PID GRACE_SECONDS: SIGTERM, wait up to GRACE, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" grace="$3" i
  kill -TERM "$pid" 2>/dev/null || return 0
  say "$name: sent SIGTERM to pid $pid, waiting up to ${grace}s"
  for ((i = 0; i < grace * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || { say "$name: stopped"; return 0; }
    sleep 0.2
  done
  say "$name: still running after ${grace}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  say "$name: killed"
}

# daemonize OUTFILE CMD [ARGS...]: start CMD in the background in its own session (it outlives
# this shell and a Ctrl-C aimed at it), stdin from /dev/null, stdout+stderr appended to OUTFILE,
# and no other inherited file descriptors: a daemon holding the caller's pipe open (a CI step's
# log, `... | tee`) would make the caller wait for it forever. Sets DAEMON_PID.
daemonize() {
  local out="$1"
  shift
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-"; done 2>/dev/null
                  exec "$@"' daemon "$@" </dev/null >>"$out" 2>&1 &
  DAEMON_PID=$!
}

# java_home: the JDK behind `java` on PATH (JAVA_HOME wins when set).
java_home() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s\n' "$JAVA_HOME"
  else
    need java "install a JDK 17+"
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}

file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# show_tail FILE [LINES] [FROM_BYTE]: last LINES lines, only of what was written after FROM_BYTE
# (so a failed start shows its own lines, not the previous run's)
show_tail() {
  local f="$1" n="${2:-40}" from="${3:-0}"
  (( $(file_size "$f") < from )) && from=0 # rolled over meanwhile
  if [[ -s "$f" ]] && (( $(file_size "$f") > from )); then
    say "---- last $n lines of $f ----"
    tail -c +"$((from + 1))" "$f" | tail -n "$n"
    say "---- end of $f ----"
  else
    say "(nothing new in $f)"
  fi
}
