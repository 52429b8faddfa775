"""Local fakes of the utility's SMS gateway and outbound dialer (modules/service/channels_providers.py
speaks to them as to the real ones): real HTTP servers (ThreadingHTTPServer) with bearer-key auth.

SMS gateway:
    POST /v1/messages {"to", "text", "from"}       → 201 {"id", "status": "sent"}; kept in `messages`
    GET  /_fake/messages                           → every message received
Dialer:
    POST /v1/calls {"to", "message", "reference"}  → 201 {"id", "status": "queued"}
    GET  /v1/calls/{id}                            → {"id", "status", "answer"}
    POST /_fake/calls/{id} {"status", "answer"?}   → sets the outcome the next GET reports
A number listed in `outcomes` ({"+5511…": ("answered", "5")}) gets that outcome as soon as it is
dialled; the others stay "queued" until `/_fake/calls/{id}` says otherwise. `refuse_to` makes the
dialer answer 503 for those numbers (a provider failure).
"""

from __future__ import annotations

import json
import secrets
import threading
from abc import ABC, abstractmethod
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _FakeServer(ABC):
    def __init__(self, token: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token
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
                loaded: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
                return loaded

            def _handle(self, method: str) -> None:
                parts = [p for p in self.path.split("?")[0].split("/") if p]
                if parts[:1] != ["_fake"] and self.headers.get("Authorization") != f"Bearer {fake.token}":
                    return self._send(401, {"error": "unauthorized"})
                body = self._body() if method == "POST" else {}
                with fake.lock:
                    code, answer = fake.handle(method, parts, body)
                self._send(code, answer)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @abstractmethod
    def handle(self, method: str, parts: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        """(status, JSON body) of one request to this provider's API; each fake speaks its own."""

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Any:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeSmsGateway(_FakeServer):
    def __init__(self, token: str = "sms-token", **kwargs: Any) -> None:  # noqa: S107 (a fake's key)
        super().__init__(token, **kwargs)
        self.messages: list[dict[str, Any]] = []

    def handle(self, method: str, parts: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        if method == "POST" and parts == ["v1", "messages"]:
            if not str(body.get("to", "")).startswith("+") or not body.get("text"):
                return 422, {"error": "to and text are required"}
            message = {"id": f"sms_{secrets.token_hex(6)}", "status": "sent", **body}
            self.messages.append(message)
            return 201, {"id": message["id"], "status": "sent"}
        if method == "GET" and parts == ["_fake", "messages"]:
            return 200, self.messages
        return 404, {"error": "not found"}


class FakeDialer(_FakeServer):
    def __init__(self, token: str = "dialer-token", **kwargs: Any) -> None:  # noqa: S107 (a fake's key)
        super().__init__(token, **kwargs)
        self.calls: dict[str, dict[str, Any]] = {}
        self.outcomes: dict[str, tuple[str, str]] = {}
        self.refuse_to: set[str] = set()

    def handle(self, method: str, parts: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        if method == "POST" and parts == ["v1", "calls"]:
            to = str(body.get("to", ""))
            if to in self.refuse_to:
                return 503, {"error": "trunk unavailable"}
            status, answer = self.outcomes.get(to, ("queued", ""))
            call = {"id": f"call_{secrets.token_hex(6)}", "status": status, "answer": answer, **body}
            self.calls[call["id"]] = call
            return 201, {"id": call["id"], "status": "queued"}
        if method == "GET" and len(parts) == 3 and parts[:2] == ["v1", "calls"]:
            call = self.calls.get(parts[2])
            if call is None:
                return 404, {"error": "not found"}
            return 200, {"id": call["id"], "status": call["status"], "answer": call["answer"]}
        if method == "POST" and len(parts) == 3 and parts[:2] == ["_fake", "calls"]:
            call = self.calls.get(parts[2])
            if call is None:
                return 404, {"error": "not found"}
            call["status"] = body.get("status", call["status"])
            call["answer"] = body.get("answer", call["answer"])
            return 200, call
        return 404, {"error": "not found"}
