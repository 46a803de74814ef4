#!/usr/bin/env bash
# Local Kafka + Elasticsearch for tests and CI (real servers from Maven Central, no Docker).
#
#   deploy/local/services.sh {up|down|status}
#
# up: fetches what is missing (first run only), then starts both nodes in parallel and waits
# until each answers; exits non-zero if either failed. Settings: see kafka.sh, elasticsearch.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
ES_PORT="${ES_PORT:-9200}"

# run_both ACTION: kafka.sh and elasticsearch.sh in parallel, output prefixed; fails if either does
run_both() {
  local k e rk=0 re=0
  bash "$HERE/kafka.sh" "$1" > >(sed -u 's/^kafka: //; s/^/[kafka] /') 2>&1 & k=$!
  bash "$HERE/elasticsearch.sh" "$1" > >(sed -u 's/^elasticsearch: //; s/^/[elasticsearch] /') 2>&1 & e=$!
  wait "$k" || rk=$?
  wait "$e" || re=$?
  sleep 0.1 # let the prefixing sed flush
  ((rk == 0 && re == 0))
}

up() {
  local t0
  t0=$(now_s)
  # fetch one after the other: Maven 3.8 does not lock ~/.m2 against concurrent downloads
  bash "$HERE/kafka.sh" fetch
  bash "$HERE/elasticsearch.sh" fetch
  if run_both start; then
    say "services up in $(elapsed "$t0")s:"
    say "  NEWSFLOW_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
    say "  NEWSFLOW_ES_URL=http://127.0.0.1:$ES_PORT"
    say "stop with: bash deploy/local/services.sh down"
  else
    say "services: FAILED to start (see above); 'bash deploy/local/services.sh down' stops what did start" >&2
    exit 1
  fi
}

case "${1:-}" in
  up) up ;;
  down) run_both stop ;;
  status) run_both status ;;
  *) echo "usage: $0 {up|down|status}" >&2; exit 2 ;;
esac
