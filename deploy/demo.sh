#!/usr/bin/env bash
# `make demo`: serve the bundled sample news site on loopback, run the whole pipeline once on
# the embedded default (SQLite log + SQLite FTS5 index), then show a few searches.
set -euo pipefail
cd "$(dirname "$0")/.."
NF=.venv/bin/newsflow
DATA="${DEMO_DATA_DIR:-.cache/demo-data}"
mkdir -p .cache
rm -rf "$DATA"

# port 0: the site picks a free port and prints its base URL first
.venv/bin/python -m demo --port 0 >.cache/demo-site.out 2>.cache/demo-site.err &
SITE_PID=$!
trap 'kill "$SITE_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  BASE=$(sed -n '1s#^.*: \(http://[^/]*\)/$#\1#p' .cache/demo-site.out)
  [ -n "$BASE" ] && break
  sleep 0.1
done
[ -n "${BASE:-}" ] || { echo "demo: the sample site did not start" >&2; cat .cache/demo-site.err >&2; exit 1; }

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "The Harbor Ledger (sample site) is at $BASE/"
step newsflow run --once --allow-private-hosts --feeds "$BASE/feeds/rss.xml" --feeds "$BASE/feeds/atom.xml"
"$NF" run --once --allow-private-hosts --data-dir "$DATA" --feeds "$BASE/feeds/rss.xml" --feeds "$BASE/feeds/atom.xml"

# print each search exactly as run, quoted for the shell, so it works when pasted
quoted() {
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./:=@+-]+$ ]]; then out+="$a "; else out+="'${a//\'/\'\\\'\'}' "; fi
  done
  printf '%s' "${out% }"
}
search() { printf '\n\033[1m$ %s\033[0m\n' "$(quoted "$NF" search --data-dir "$DATA" "$@")"; "$NF" search --data-dir "$DATA" "$@"; }
search '"grain corridor" OR shipping' --limit 3
search --entity "Kim Jong-un" --limit 5
search --entity Erdogan --label PERSON --limit 3
search sanctions -missile --since 2026-03-01 --limit 3
search missile --sort newest --limit 3
search 'entity:"Kim Jong Un" missiles' --since 2026-03-01 --limit 3
search title:shipping --limit 3
search --entity Putin --format csv

step newsflow run --once ... "(a second run: nothing new)"
"$NF" run --once --allow-private-hosts --no-progress --data-dir "$DATA" --feeds "$BASE/feeds/rss.xml" --feeds "$BASE/feeds/atom.xml"
printf '\nData in %s. Try: .venv/bin/newsflow search --data-dir %s --json "Putin"\n' "$DATA" "$DATA"
printf 'Search page and HTTP API: .venv/bin/newsflow serve --data-dir %s  (then open http://127.0.0.1:8080/)\n' "$DATA"
