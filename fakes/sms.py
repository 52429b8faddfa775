"""A local SMS provider for tests and the demo: a real HTTP server (ThreadingHTTPServer) speaking
the protocol of modules/common/sms.py.

    POST /v1/messages     {"to": "+55DDNNNNNNNNN", "text": "..."}  Bearer token, Idempotency-Key
                          → 201 {"id", "status": "queued"}; the same key answers the same message
    GET  /_fake/messages  → every message accepted so far (the outbox)

401 without a bearer token, 422 for a number that is not E.164 Brazilian or a text over 480
characters, like the providers do.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PHONE = re.compile(r"^\+55\d{11}$")


class FakeSms:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = "sms-test-token",  # noqa: S107 - the fake's test token
    ) -> None:
        self.token = token
        self.outbox: list[dict[str, Any]] = []
        self.idempotency: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/_fake/messages":
                    with fake.lock:
                        self._send(200, list(fake.outbox))
                    return
                self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                if self.path != "/v1/messages":
                    self._send(404, {"error": "not found"})
                    return
                if self.headers.get("Authorization", "") != f"Bearer {fake.token}":
                    self._send(401, {"error": "unauthorized"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                to, text = str(body.get("to", "")), str(body.get("text", ""))
                if not PHONE.match(to) or not text or len(text) > 480:
                    self._send(422, {"error": "invalid message"})
                    return
                key = self.headers.get("Idempotency-Key", "")
                with fake.lock:
                    if key and key in fake.idempotency:
                        self._send(201, fake.idempotency[key])
                        return
                    message = {
                        "id": f"msg_{secrets.token_hex(6)}",
                        "status": "queued",
                        "to": to,
                        "text": text,
                    }
                    fake.outbox.append(message)
                    if key:
                        fake.idempotency[key] = message
                self._send(201, message)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeSms:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeSms:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
