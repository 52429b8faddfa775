"""Web Push to the installed agency (ADR 0207), written here on `cryptography` (pywebpush is not a
dependency): the VAPID token (RFC 8292, ES256) that identifies the utility to the browser's push
service, and the aes128gcm payload encryption (RFC 8291) only the subscribed browser can read.
Each utility has its own VAPID key pair, made on first use and kept in its NotificationSettings.
fakes/push.py is a local push service that checks both, for the tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import time
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

RECORD_SIZE = 4096
TTL_SECONDS = 24 * 3600


class PushGone(Exception):
    """The push service no longer knows this subscription (404/410): forget the device."""


class PushFailed(Exception):
    pass


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_private_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _load(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _public_raw(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def application_server_key(pem: str) -> str:
    """The public key the page passes to PushManager.subscribe (base64url, uncompressed point)."""
    return b64u(_public_raw(_load(pem)))


def vapid_header(pem: str, endpoint: str, subject: str, now: float | None = None) -> str:
    key = _load(pem)
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int((now or time.time()) + 12 * 3600),
        "sub": subject,
    }
    signing_input = (
        b64u(json.dumps({"typ": "JWT", "alg": "ES256"}).encode())
        + "."
        + b64u(json.dumps(claims, separators=(",", ":")).encode())
    )
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    token = signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"vapid t={token}, k={b64u(_public_raw(key))}"


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """RFC 8291 aes128gcm: one record, the sender's ephemeral key in the header."""
    ua_public = unb64u(p256dh)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    shared = ephemeral.exchange(
        ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ua_public)
    )
    as_public = _public_raw(ephemeral)
    ikm = _hkdf(unb64u(auth), shared, b"WebPush: info\x00" + ua_public + as_public, 32)
    salt = os.urandom(16)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    ciphertext = AESGCM(cek).encrypt(nonce, payload + b"\x02", None)
    return salt + struct.pack(">I", RECORD_SIZE) + bytes([len(as_public)]) + as_public + ciphertext


def send(*, endpoint: str, p256dh: str, auth: str, payload: dict[str, str], pem: str, subject: str) -> str:
    """POST the encrypted message to the subscription's endpoint; the push service's message URL."""
    body = encrypt(json.dumps(payload, ensure_ascii=False).encode(), p256dh, auth)
    try:
        response = requests.post(
            endpoint,
            data=body,
            headers={
                "Authorization": vapid_header(pem, endpoint, subject),
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
                "TTL": str(TTL_SECONDS),
                "Urgency": "normal",
            },
            timeout=10,
        )
    except requests.RequestException as exc:
        raise PushFailed(f"O serviço de push não respondeu: {exc.__class__.__name__}.") from exc
    if response.status_code in (404, 410):
        raise PushGone(endpoint)
    if response.status_code >= 400:
        raise PushFailed(f"O serviço de push recusou o aviso (HTTP {response.status_code}).")
    return response.headers.get("Location", "")
