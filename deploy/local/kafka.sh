#!/usr/bin/env bash
# Real Apache Kafka 4.1.1 (KRaft, one node as broker+controller) on 127.0.0.1, from Maven Central.
#
#   deploy/local/kafka.sh {start|stop|status|fetch}
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), NEWSFLOW_KAFKA_DIR
# (<repo>/.cache/kafka: classpath, config, data, logs), KAFKA_HEAP_OPTS (-Xms256m -Xmx512m),
# KAFKA_START_TIMEOUT (60 s), NEWSFLOW_MVN_ARGS (extra mvn arguments, e.g. -o or -s settings.xml).
# Needs: java 17+, mvn, python3 (standard library only, for the readiness probe).
#
# Secured mode (opt-in): KAFKA_SECURITY=sasl_ssl serves SASL/PLAIN over TLS on KAFKA_PORT instead
# of PLAINTEXT. A CA and a broker certificate for 127.0.0.1 are made with openssl into
# NEWSFLOW_KAFKA_DIR/tls on first start (clients trust tls/ca.pem). The client login is
# KAFKA_SASL_USERNAME (newsflow) / KAFKA_SASL_PASSWORD (default: random, kept in
# tls/client-password, mode 600). Passwords go into files readable by this user only, never to
# the output. Needs openssl too.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_VERSION=4.1.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_DIR="${NEWSFLOW_KAFKA_DIR:-$REPO/.cache/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
KAFKA_SECURITY="${KAFKA_SECURITY:-plaintext}"
case "$KAFKA_SECURITY" in plaintext | sasl_ssl) ;; *) die "kafka: KAFKA_SECURITY must be plaintext or sasl_ssl, not '$KAFKA_SECURITY'" ;; esac

CP_FILE="$KAFKA_DIR/classpath.txt"
CONF="$KAFKA_DIR/server.properties"
DATA="$KAFKA_DIR/data"
LOGS="$KAFKA_DIR/logs"
PIDFILE="$KAFKA_DIR/kafka.pid"
TLS="$KAFKA_DIR/tls"
LOG4J="$LOCAL_DIR/kafka-log4j2.properties"
ADDR="127.0.0.1:$KAFKA_PORT"

# --- classpath (jars stay in ~/.m2; only the list of paths is kept here) -----------------------
classpath_ok() {
  [[ -s "$CP_FILE" && "$CP_FILE" -nt "$POM" ]] || return 1
  local jar
  while IFS= read -r jar; do [[ -f "$jar" ]] || return 1; done < <(tr ':' '\n' <"$CP_FILE")
}

fetch() {
  classpath_ok && return 0
  mkdir -p "$KAFKA_DIR"
  say "kafka: resolving the Kafka $KAFKA_VERSION classpath with mvn (first run only: fetches ~70 MB of jars from Maven Central into ~/.m2)..."
  local t0 tmp="$CP_FILE.tmp.$$"
  t0=$(now_s)
  mvn_run -q -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" \
    || { rm -f "$tmp"; die "kafka: mvn could not resolve the Kafka classpath (see above)"; }
  mv "$tmp" "$CP_FILE"
  say "kafka: classpath ready ($(tr ':' '\n' <"$CP_FILE" | wc -l) jars, $(elapsed "$t0")s)"
}

# --- process -------------------------------------------------------------------------------
running_pid() { # pid of our broker, from the pid file or (fallback) by its exact config path
  local pid
  pid=$(read_pid "$PIDFILE")
  if pid_alive "$pid" "kafka.Kafka $CONF"; then echo "$pid"; return 0; fi
  find_pid "kafka.Kafka $CONF"
}

probe() {
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    KAFKA_SASL_USERNAME="${KAFKA_SASL_USERNAME:-newsflow}"
    [[ -n "${KAFKA_SASL_PASSWORD:-}" ]] || KAFKA_SASL_PASSWORD=$(cat "$TLS/client-password" 2>/dev/null || true)
    # credentials through the environment, not argv (argv is visible to every user in ps)
    KAFKA_PROBE_CAFILE="$TLS/ca.pem" KAFKA_PROBE_USERNAME="$KAFKA_SASL_USERNAME" KAFKA_PROBE_PASSWORD="$KAFKA_SASL_PASSWORD" \
      python3 "$LOCAL_DIR/kafka_probe.py" 127.0.0.1 "$KAFKA_PORT"
  else
    python3 "$LOCAL_DIR/kafka_probe.py" 127.0.0.1 "$KAFKA_PORT"
  fi
}

# --- secured mode: TLS material and passwords (made once, kept in $TLS) ---------------------
secret() { # secret NAME: the password kept in $TLS/NAME, made on first use
  local f="$TLS/$1"
  [[ -s "$f" ]] || (umask 077 && openssl rand -hex 16 >"$f")
  cat "$f"
}

tls_material() {
  need openssl "secured mode makes its CA and broker certificate with it"
  mkdir -p "$TLS" && chmod 700 "$TLS"
  KAFKA_SASL_USERNAME="${KAFKA_SASL_USERNAME:-newsflow}"
  [[ "$KAFKA_SASL_USERNAME" =~ ^[A-Za-z0-9._-]+$ ]] || die "kafka: KAFKA_SASL_USERNAME may hold letters, digits, '.', '_' and '-' only"
  if [[ -n "${KAFKA_SASL_PASSWORD:-}" ]]; then (umask 077 && printf '%s\n' "$KAFKA_SASL_PASSWORD" >"$TLS/client-password"); fi
  KAFKA_SASL_PASSWORD=$(secret client-password)
  BROKER_PASSWORD=$(secret broker-password)
  STORE_PASSWORD=$(secret store-password)
  [[ -s "$TLS/broker.p12" && -s "$TLS/ca.pem" ]] && return 0
  say "kafka: making a CA and a certificate for 127.0.0.1 in $TLS"
  local log="$TLS/openssl.log"
  (
    set -e
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=newsflow local Kafka CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$TLS/ca.key" -out "$TLS/ca.pem"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$TLS/broker.key" -out "$TLS/broker.csr"
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid,issuer" >"$TLS/broker.ext"
    openssl x509 -req -days 3650 -in "$TLS/broker.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
      -extfile "$TLS/broker.ext" -out "$TLS/broker.pem"
    openssl pkcs12 -export -name broker -in "$TLS/broker.pem" -inkey "$TLS/broker.key" -certfile "$TLS/ca.pem" \
      -passout "file:$TLS/store-password" -out "$TLS/broker.p12"
    chmod 644 "$TLS/ca.pem"
  ) >"$log" 2>&1 || { show_tail "$log"; die "kafka: could not make the TLS material (see above)"; }
}

# listener lines of server.properties for the chosen security mode
listener_config() {
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    cat <<PROPS
listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
  username="broker" password="$BROKER_PASSWORD" user_broker="$BROKER_PASSWORD" user_$KAFKA_SASL_USERNAME="$KAFKA_SASL_PASSWORD";
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS/broker.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.key.password=$STORE_PASSWORD
ssl.truststore.type=PEM
ssl.truststore.location=$TLS/ca.pem
ssl.client.auth=none
PROPS
  else
    cat <<PROPS
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
PROPS
  fi
}

write_config() {
  mkdir -p "$DATA" "$LOGS"
  [[ "$KAFKA_SECURITY" == sasl_ssl ]] && tls_material
  : >"$CONF" && chmod 600 "$CONF"  # it holds the passwords in secured mode
  cat >"$CONF" <<PROPS
# generated by deploy/local/kafka.sh on each start; edit the script, not this file
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
$(listener_config)
controller.listener.names=CONTROLLER
log.dirs=$DATA

# one node: every internal topic has one replica, and few partitions (quick first group join)
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=3
default.replication.factor=1
min.insync.replicas=1
num.partitions=1
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

# small, short-lived logs: this node is for tests and local runs
log.segment.bytes=16777216
log.index.size.max.bytes=1048576
log.retention.hours=24
log.retention.bytes=268435456
log.retention.check.interval.ms=60000
num.network.threads=2
num.io.threads=4
PROPS
}

java_cmd() { # java_cmd MAIN_CLASS ARGS...
  local jh
  jh=$(java_home)
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of options
  exec_args=("$jh/bin/java" $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$LOG4J" "-Dkafka.logs.dir=$LOGS"
    -cp "$(cat "$CP_FILE")" "$@")
}

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  local id
  java_cmd kafka.tools.StorageTool random-uuid
  id=$("${exec_args[@]}" 2>>"$LOGS/format.log" | tail -n1)
  [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || { show_tail "$LOGS/format.log"; die "kafka: could not get a cluster id ($id)"; }
  say "kafka: formatting storage in $DATA (cluster id $id)"
  java_cmd kafka.tools.StorageTool format -t "$id" -c "$CONF"
  "${exec_args[@]}" >>"$LOGS/format.log" 2>&1 || { show_tail "$LOGS/format.log"; die "kafka: storage format failed"; }
}

start() {
  local pid t0 last=0 now from
  if pid=$(running_pid); then
    say "kafka: already running (pid $pid) on $ADDR"
    probe | sed 's/^/kafka: /' || true
    return 0
  fi
  need python3
  port_open "$KAFKA_PORT" && die "kafka: port $KAFKA_PORT is taken by another process (ss -ltnp 'sport = :$KAFKA_PORT'); set KAFKA_PORT"
  port_open "$KAFKA_CONTROLLER_PORT" && die "kafka: controller port $KAFKA_CONTROLLER_PORT is taken; set KAFKA_CONTROLLER_PORT"
  fetch
  write_config
  format_storage
  t0=$(now_s)
  say "kafka: starting Kafka $KAFKA_VERSION on $ADDR (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT, logs $LOGS/server.log)"
  java_cmd kafka.Kafka "$CONF"
  : >"$LOGS/kafka.out"
  from=$(file_size "$LOGS/server.log")
  daemonize "$LOGS/kafka.out" "${exec_args[@]}"
  pid=$DAEMON_PID
  echo "$pid" >"$PIDFILE"
  while :; do
    now=$(elapsed "$t0"); now=${now%.*}
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      say "kafka: FAILED: the JVM exited during start-up"
      show_tail "$LOGS/server.log" 40 "$from"; show_tail "$LOGS/kafka.out" 20
      exit 1
    fi
    if port_open "$KAFKA_PORT" && out=$(probe); then
      say "kafka: ready on $ADDR after $(elapsed "$t0")s (pid $pid): $out"
      return 0
    fi
    if ((now >= KAFKA_START_TIMEOUT)); then
      say "kafka: FAILED: no answer on $ADDR within ${KAFKA_START_TIMEOUT}s"
      show_tail "$LOGS/server.log" 40 "$from"; show_tail "$LOGS/kafka.out" 20
      stop_pid kafka "$pid" 10; rm -f "$PIDFILE"
      exit 1
    fi
    if ((now >= last + 5)); then say "kafka: waiting for the broker... (${now}s)"; last=$now; fi
    sleep 0.5
  done
}

stop() {
  local pid
  if pid=$(running_pid); then
    stop_pid kafka "$pid" 30
  else
    say "kafka: not running"
  fi
  rm -f "$PIDFILE"
}

status() {
  local pid
  if pid=$(running_pid); then
    if out=$(probe); then say "kafka: running (pid $pid) on $ADDR: $out"; return 0; fi
    say "kafka: process $pid is up but $ADDR does not answer: $out"; return 1
  fi
  say "kafka: not running"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch ;;
  *) echo "usage: $0 {start|stop|status|fetch}" >&2; exit 2 ;;
esac
