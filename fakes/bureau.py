"""A local credit bureau (SPC/Serasa-like) for tests and the demo: a real HTTP server speaking the
protocol of modules/debt/bureau_provider.py and the file layout of modules/debt/domain/bureau.py.

    POST /v1/movements                 movement file → 202 {"id"}; the same Idempotency-Key, the same id
    GET  /v1/movements/<id>/return     the return file: every line accepted with a protocol, except an
                                       inclusion whose cpf/cnpj is not 11 or 14 digits ("documento
                                       inválido") and an exclusion of a record the bureau never listed
                                       ("restrição não encontrada")
    GET  /_fake/listed                 the record ids listed right now
    GET  /_fake/movements              every movement received (id, content)

401 without the bearer token; 422 for a file that does not parse.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from modules.debt.domain.bureau import LineKind, parse_movement


class FakeBureau:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = "bureau-test-token",  # noqa: S107 - the fake's test token
    ) -> None:
        self.token = token
        self.movements: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}
        self.listed: set[int] = set()
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: Any, content_type: str = "application/json") -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorized(self) -> bool:
                if self.headers.get("Authorization", "") != f"Bearer {fake.token}":
                    self._send(401, {"error": "unauthorized"})
                    return False
                return True

            def do_GET(self) -> None:
                if self.path == "/_fake/listed":
                    with fake.lock:
                        self._send(200, sorted(fake.listed))
                    return
                if self.path == "/_fake/movements":
                    with fake.lock:
                        self._send(200, list(fake.movements.values()))
                    return
                parts = self.path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["v1", "movements"] and parts[3] == "return":
                    if not self._authorized():
                        return
                    with fake.lock:
                        movement = fake.movements.get(parts[2])
                    if movement is None:
                        self._send(404, {"error": "unknown movement"})
                        return
                    self._send(200, movement["return"], "text/plain; charset=utf-8")
                    return
                self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                if self.path != "/v1/movements":
                    self._send(404, {"error": "not found"})
                    return
                if not self._authorized():
                    return
                content = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                key = self.headers.get("Idempotency-Key", "")
                with fake.lock:
                    if key and key in fake.keys:
                        self._send(202, {"id": fake.keys[key]})
                        return
                    try:
                        movement_id, lines = parse_movement(content)
                    except (ValueError, IndexError):
                        self._send(422, {"error": "invalid movement file"})
                        return
                    bureau_id = f"mov{len(fake.movements) + 1:05d}"
                    answer = [f"H;{movement_id}"]
                    for number, line in enumerate(lines, start=1):
                        if line.kind is LineKind.INCLUSION:
                            if len(line.document) not in (11, 14) or not line.document.isdecimal():
                                answer.append(f"{number};R;documento inválido")
                                continue
                            fake.listed.add(line.record_id)
                        else:
                            if line.record_id not in fake.listed:
                                answer.append(f"{number};R;restrição não encontrada")
                                continue
                            fake.listed.discard(line.record_id)
                        answer.append(f"{number};A;{bureau_id}-{number:04d}")
                    fake.movements[bureau_id] = {
                        "id": bureau_id,
                        "content": content,
                        "return": "\n".join(answer) + "\n",
                    }
                    if key:
                        fake.keys[key] = bureau_id
                self._send(202, {"id": bureau_id})

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeBureau:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeBureau:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
