"""A local fake of a WhatsApp Business messaging provider (modules/notifications/providers.py speaks
to it as to the real one): a real HTTP server with bearer-key auth, in the shape of the WhatsApp
Cloud API's text message.

    POST /v1/messages {"messaging_product": "whatsapp", "to": "5511…", "type": "text",
                       "text": {"body": "…"}}        → 200 {"messages": [{"id": "wamid…"}]}
    GET  /_fake/messages                             → every message received
`refuse_to` makes it answer 503 for those numbers (a provider failure).
"""

from __future__ import annotations

import secrets
from typing import Any

from .channels import _FakeServer


class FakeWhatsApp(_FakeServer):
    def __init__(self, token: str = "wa-token", **kwargs: Any) -> None:  # noqa: S107 (a fake's key)
        super().__init__(token, **kwargs)
        self.messages: list[dict[str, Any]] = []
        self.refuse_to: set[str] = set()

    def handle(self, method: str, parts: list[str], body: dict[str, Any]) -> tuple[int, Any]:
        if method == "POST" and parts == ["v1", "messages"]:
            to = str(body.get("to", ""))
            text = (body.get("text") or {}).get("body")
            if body.get("messaging_product") != "whatsapp" or not to.isdigit() or not text:
                return 422, {"error": {"message": "messaging_product, to and text.body are required"}}
            if to in self.refuse_to:
                return 503, {"error": {"message": "unavailable"}}
            message = {"id": f"wamid.{secrets.token_hex(8)}", "to": to, "text": text}
            self.messages.append(message)
            return 200, {"messages": [{"id": message["id"]}]}
        if method == "GET" and parts == ["_fake", "messages"]:
            return 200, self.messages
        return 404, {"error": {"message": "not found"}}
