"""A local fake Web Push service (RFC 8030) and the browser behind it, for the notifications' push
channel (modules/notifications/webpush.py): it hands out subscriptions (an endpoint plus the
browser's P-256 key and auth secret, as PushManager.subscribe would), checks each push's VAPID
token (RFC 8292: ES256 signature by the key in `k=`, `aud` = the endpoint's origin, not expired),
and decrypts the aes128gcm payload (RFC 8291) with the browser's private key, as the browser would.

    POST /push/<id>   → 201 (stored in `received` decrypted), 401 bad VAPID, 410 for `gone` ids
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


@dataclass
class Browser:
    """One subscribed browser: its endpoint, keys (as the page posts them) and private key."""

    id: str
    endpoint: str
    key: ec.EllipticCurvePrivateKey
    secret: bytes

    @property
    def auth(self) -> str:
        return b64u(self.secret)

    @property
    def p256dh(self) -> str:
        return b64u(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def decrypt(self, body: bytes) -> bytes:
        salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], body[20]
        server_public = body[21 : 21 + idlen]
        ciphertext = body[21 + idlen :]
        assert rs >= 18
        shared = self.key.exchange(
            ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
        )
        ua_public = unb64u(self.p256dh)
        ikm = _hkdf(self.secret, shared, b"WebPush: info\x00" + ua_public + server_public, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = AESGCM(cek).decrypt(nonce, ciphertext, None)
        return plain.rstrip(b"\x00")[:-1]  # the last record's delimiter is 0x02


class FakePushService:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.browsers: dict[str, Browser] = {}
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.gone: set[str] = set()
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                code = fake.handle(self.path, dict(self.headers.items()), body)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakePushService:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self) -> Browser:
        sid = secrets.token_hex(8)
        browser = Browser(
            sid, f"{self.url}/push/{sid}", ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)
        )
        self.browsers[sid] = browser
        return browser

    def _vapid_ok(self, headers: dict[str, str]) -> bool:
        auth = headers.get("Authorization", "")
        if not auth.startswith("vapid "):
            return False
        fields = dict(part.strip().split("=", 1) for part in auth[6:].split(","))
        header_b64, claims_b64, signature_b64 = fields["t"].split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(fields["k"]))
        raw = unb64u(signature_b64)
        signature = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        claims = json.loads(unb64u(claims_b64))
        return bool(
            claims.get("aud") == self.url and claims.get("exp", 0) > time.time() and claims.get("sub")
        )

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        parts = [p for p in path.split("/") if p]
        if len(parts) != 2 or parts[0] != "push" or parts[1] not in self.browsers:
            return 404
        if parts[1] in self.gone:
            return 410
        with self.lock:
            if not self._vapid_ok(headers) or not headers.get("TTL"):
                self.refused.append(parts[1])
                return 401
            payload = self.browsers[parts[1]].decrypt(body) if body else b""
            self.received.append(
                {"id": parts[1], "encoding": headers.get("Content-Encoding", ""), "payload": payload}
            )
        return 201
