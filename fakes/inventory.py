"""A local inventory (almoxarifado) server for tests and the demo: a real HTTP server speaking the
interface modules/service/inventory.py calls, with Idempotency-Key replay.

    POST /v1/reservations      {"reference", "order", "lines"} → 201 {"id", "status": "reserved"};
                               the same Idempotency-Key again → 200 with the first answer
    GET  /_fake/reservations   → every reservation made so far (one per key)
    POST /_fake/fail           {"times": n} → the next n reservations answer 503
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeInventory:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.reservations: dict[str, dict[str, Any]] = {}
        self.requests = 0  # every POST /v1/reservations, replays and failures included
        self.fail_next = 0
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

            def _body(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def do_GET(self) -> None:
                if self.path == "/_fake/reservations":
                    return self._send(200, list(fake.reservations.values()))
                return self._send(404, {"message": "Not found"})

            def do_POST(self) -> None:
                body = self._body()
                if self.path == "/_fake/fail":
                    fake.fail_next = int(body.get("times", 1))
                    return self._send(200, {"fail_next": fake.fail_next})
                if self.path != "/v1/reservations":
                    return self._send(404, {"message": "Not found"})
                key = self.headers.get("Idempotency-Key", "")
                if not key or not isinstance(body.get("lines"), list):
                    return self._send(422, {"message": "Idempotency-Key and lines are required"})
                code, answer = fake.reserve(key, body)
                return self._send(code, answer)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reserve(self, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, {"message": "temporarily unavailable"}
            if key in self.reservations:
                return 200, self.reservations[key]
            row = {
                "id": f"res_{secrets.token_hex(6)}",
                "status": "reserved",
                "key": key,
                "reference": body.get("reference", ""),
                "order": body.get("order"),
                "lines": body["lines"],
            }
            self.reservations[key] = row
            return 201, row

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeInventory:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
