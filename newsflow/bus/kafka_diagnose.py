"""Why a Kafka client could not connect, in words an operator can act on.

kafka-python reports a refused login, an untrusted certificate and a closed port alike, as
"Unable to bootstrap" after its bootstrap timeout. ``diagnose`` asks the first bootstrap
broker once more, one step at a time: TCP, then TLS with the configured CA file, then the SASL
handshake and (for PLAIN) the login, with the few Kafka protocol requests those steps need.
The result names the address, protocol, mechanism and user, never the password.
"""

from __future__ import annotations

import socket
import ssl
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsflow.core.config import Settings

_SASL_HANDSHAKE, _SASL_AUTHENTICATE = 17, 36
_CLIENT_ID = b"newsflow-diagnose"
TIMEOUT = 5.0


def _request(sock: socket.socket, api_key: int, version: int, body: bytes) -> bytes:
    header = struct.pack(">hhih", api_key, version, 1, len(_CLIENT_ID)) + _CLIENT_ID
    sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
    size = struct.unpack(">i", _recv(sock, 4))[0]
    return _recv(sock, size)[4:]  # after the correlation id


def _recv(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("the broker closed the connection")
        buf += chunk
    return bytes(buf)


def _string(data: bytes, pos: int) -> str | None:
    n = struct.unpack_from(">h", data, pos)[0]
    return None if n < 0 else data[pos + 2:pos + 2 + n].decode("utf-8", errors="replace")


def _sasl(sock: socket.socket, mechanism: str, username: str, password: str) -> str | None:
    """The broker's refusal, or None when it accepted (or the mechanism cannot be checked here)."""
    mech = mechanism.encode()
    resp = _request(sock, _SASL_HANDSHAKE, 1, struct.pack(">h", len(mech)) + mech)
    err = struct.unpack_from(">h", resp, 0)[0]
    if err:
        count = struct.unpack_from(">i", resp, 2)[0]
        enabled, pos = [], 6
        for _ in range(max(0, count)):
            name = _string(resp, pos) or ""
            enabled.append(name)
            pos += 2 + len(name.encode())
        return f"SASL mechanism {mechanism} is not enabled on the broker (it offers {', '.join(enabled) or 'none'})"
    if mechanism.upper() != "PLAIN":
        return None  # SCRAM needs a challenge exchange; the mechanism at least is enabled
    token = b"\0" + username.encode() + b"\0" + password.encode()
    resp = _request(sock, _SASL_AUTHENTICATE, 0, struct.pack(">i", len(token)) + token)
    if struct.unpack_from(">h", resp, 0)[0]:
        return _string(resp, 2) or "authentication failed"
    return None


def diagnose(settings: "Settings", exc: BaseException) -> str:
    """One sentence on why connecting to ``settings.kafka_bootstrap`` failed with ``exc``."""
    protocol = settings.kafka_security_protocol
    who = protocol
    if settings.kafka_sasl_mechanism:
        who += f", SASL {settings.kafka_sasl_mechanism} as user {settings.kafka_sasl_username!r}"
    where = f"Kafka at {settings.kafka_bootstrap} ({who})"
    first = settings.kafka_bootstrap.split(",")[0].strip()
    host, _, port = first.rpartition(":")
    try:
        sock = socket.create_connection((host or first, int(port or 9092)), timeout=TIMEOUT)
    except (OSError, ValueError) as err:
        return f"cannot connect to {where}: {err}"
    try:
        sock.settimeout(TIMEOUT)
        if protocol in ("SSL", "SASL_SSL"):
            try:
                ctx = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
                sock = ctx.wrap_socket(sock, server_hostname=host)
            except (ssl.SSLError, OSError) as err:
                return (f"TLS with {where} failed (CA file {settings.kafka_ssl_cafile or 'the system store'}): "
                        f"{getattr(err, 'verify_message', None) or err}")
        if protocol.startswith("SASL") and settings.kafka_sasl_mechanism:
            try:
                password = settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else ""
                refusal = _sasl(sock, settings.kafka_sasl_mechanism, settings.kafka_sasl_username or "", password)
            except (OSError, struct.error) as err:
                refusal = f"no SASL answer ({err}); does the listener speak {protocol}?"
            if refusal:
                return f"{where} refused the login: {refusal}"
    finally:
        sock.close()
    return f"{where} answers, but the client could not start: {type(exc).__name__}: {exc}"
