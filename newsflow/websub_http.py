"""The WebSub callback on the ingest service's HTTP port: ``/websub/<token>`` (see ``ingest.websub``).

GET is a hub's verification of intent, POST its content distribution. The request body is read
up to ``fetch_max_bytes`` + 1 only, so an oversized push is refused without holding it whole.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from ingest.websub import CALLBACK_PREFIX, Answer, WebSub


def handle(websub: WebSub, request: BaseHTTPRequestHandler, method: str) -> None:
    """Answer one request under ``/websub/``."""
    url = urlsplit(request.path)
    token = url.path[len(CALLBACK_PREFIX):]
    if method == "GET":
        answer = websub.verify(token, dict(parse_qsl(url.query, keep_blank_values=True)))
    else:
        declared = request.headers.get("Content-Length", "")
        limit = websub.settings.fetch_max_bytes
        if not declared.isdigit():
            answer = Answer(411, b"Content-Length required\n")
        elif int(declared) > limit:
            answer = websub.too_large(token, int(declared))
            request.close_connection = True
        else:
            body = request.rfile.read(int(declared))
            answer = websub.deliver(token, body, request.headers.get("Content-Type"), request.headers.get("X-Hub-Signature"))
    request.send_response(answer.status)
    request.send_header("Content-Type", "text/plain")
    request.send_header("Content-Length", str(len(answer.body)))
    request.end_headers()
    request.wfile.write(answer.body)
