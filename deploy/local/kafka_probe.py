"""Readiness probe for a Kafka broker, standard library only (no kafka-python needed).

Sends two real Kafka protocol requests to HOST:PORT: ApiVersions (v0), then Metadata for all
topics (a version both sides support, v4..v8). Exits 0 and prints a one-line summary when the
broker answers both; exits 1 with the reason otherwise.

    python3 kafka_probe.py 127.0.0.1 9092

A broker in secured mode (kafka.sh with KAFKA_SECURITY=sasl_ssl) is probed over TLS with SASL/PLAIN
when KAFKA_PROBE_CAFILE is set: the CA file, with KAFKA_PROBE_USERNAME and KAFKA_PROBE_PASSWORD
(environment, not arguments, so the password is not visible in ps).
"""

from __future__ import annotations

import os
import socket
import ssl
import struct
import sys

API_METADATA, API_SASL_HANDSHAKE, API_VERSIONS, API_SASL_AUTHENTICATE = 3, 17, 18, 36
CLIENT_ID = b"newsflow-probe"


def request(sock: socket.socket, api_key: int, version: int, corr: int, body: bytes) -> bytes:
    header = struct.pack(">hhih", api_key, version, corr, len(CLIENT_ID)) + CLIENT_ID
    msg = header + body
    sock.sendall(struct.pack(">i", len(msg)) + msg)
    size = struct.unpack(">i", recv_exact(sock, 4))[0]
    data = recv_exact(sock, size)
    if struct.unpack(">i", data[:4])[0] != corr:
        raise RuntimeError("correlation id mismatch")
    return data[4:]


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise RuntimeError("connection closed by broker")
        buf += chunk
    return bytes(buf)


class Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        v = struct.unpack_from(">" + fmt, self.data, self.pos)
        self.pos += struct.calcsize(">" + fmt)
        return v[0]

    def string(self) -> str | None:
        n = self.take("h")
        if n < 0:
            return None
        s = self.data[self.pos : self.pos + n].decode()
        self.pos += n
        return s


def string(s: str) -> bytes:
    raw = s.encode()
    return struct.pack(">h", len(raw)) + raw


def sasl_plain(sock: socket.socket, username: str, password: str) -> None:
    """SaslHandshake v1 (PLAIN), then SaslAuthenticate v0: raises when the broker refuses."""
    r = Reader(request(sock, API_SASL_HANDSHAKE, 1, 10, string("PLAIN")))
    err = r.take("h")
    if err:
        raise RuntimeError(f"SaslHandshake error code {err} (PLAIN not enabled?)")
    token = b"\0" + username.encode() + b"\0" + password.encode()
    r = Reader(request(sock, API_SASL_AUTHENTICATE, 0, 11, struct.pack(">i", len(token)) + token))
    err = r.take("h")
    if err:
        raise RuntimeError(f"SASL authentication failed: {r.string()}")


def connect(host: str, port: int, timeout: float) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(timeout)
    cafile = os.environ.get("KAFKA_PROBE_CAFILE")
    if not cafile:
        return sock
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx.wrap_socket(sock, server_hostname=host)


def probe(host: str, port: int, timeout: float) -> str:
    with connect(host, port, timeout) as sock:
        if os.environ.get("KAFKA_PROBE_CAFILE"):
            sasl_plain(sock, os.environ.get("KAFKA_PROBE_USERNAME", ""), os.environ.get("KAFKA_PROBE_PASSWORD", ""))
        r = Reader(request(sock, API_VERSIONS, 0, 1, b""))
        err = r.take("h")
        if err:
            raise RuntimeError(f"ApiVersions error code {err}")
        versions = {}
        for _ in range(r.take("i")):
            key, lo, hi = r.take("h"), r.take("h"), r.take("h")
            versions[key] = (lo, hi)
        lo, hi = versions.get(API_METADATA, (99, -1))
        v = max(lo, 4)
        if v > min(hi, 8):
            raise RuntimeError(f"broker supports Metadata v{lo}..v{hi}, probe speaks v4..v8")
        body = struct.pack(">ib", -1, 0)  # all topics, allow_auto_topic_creation=false
        if v >= 8:
            body += struct.pack(">bb", 0, 0)  # include cluster/topic authorized operations
        r = Reader(request(sock, API_METADATA, v, 2, body))
        r.take("i")  # throttle_time_ms
        brokers = []
        for _ in range(r.take("i")):
            node, bhost, bport, _rack = r.take("i"), r.string(), r.take("i"), r.string()
            brokers.append(f"{node}@{bhost}:{bport}")
        cluster_id, controller = r.string(), r.take("i")
        topics = r.take("i")
        if not brokers:
            raise RuntimeError("metadata lists no brokers yet")
        return (f"cluster {cluster_id}, brokers {','.join(brokers)}, controller {controller}, "
                f"{topics} topic(s), {len(versions)} APIs")


def main() -> int:
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 9092
    try:
        print(probe(host, port, timeout=5.0))
        return 0
    except (OSError, RuntimeError, struct.error) as exc:
        print(f"not ready: {exc.__class__.__name__}: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
