"""Sign-in limits of staff and vendor users (web form and API token, tenant and ops; ADR 0013).

Failures are counted per client address (spraying passwords from one place) and per account name
(guessing one account from many places), in the schema-aware cache (modules.common.ratelimit), in a
fixed window: past either limit every attempt answers 429 until the window ends, without the
password being checked. A success counts nothing, so an office behind one address is not punished
for its people signing in. The per-account limit is a time window, never a lock that lasts: the
policy's own lockout (PasswordPolicy.max_failed_attempts, lockout_minutes) stays as it is.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from modules.common.ratelimit import window_hits

THROTTLED_MESSAGE = "Muitas tentativas de entrada. Aguarde alguns minutos e tente novamente."


def _window() -> int:
    return int(getattr(settings, "SIGN_IN_WINDOW_SECONDS", 300))


def _keys(username: str, ip: str | None) -> tuple[str, str]:
    account = hashlib.sha256(username.encode()).hexdigest()[:32]  # any characters, bounded length
    return f"access:signin:ip:{ip or '-'}", f"access:signin:acct:{account}"


def sign_in_allowed(*, username: str, ip: str | None) -> bool:
    """Whether this address and this account may still try (no attempt is counted here)."""
    address_key, account_key = _keys(username, ip)
    return int(cache.get(address_key, 0)) < int(getattr(settings, "SIGN_IN_ADDRESS_LIMIT", 20)) and int(
        cache.get(account_key, 0)
    ) < int(getattr(settings, "SIGN_IN_ACCOUNT_LIMIT", 10))


def sign_in_failed(*, username: str, ip: str | None) -> None:
    for key in _keys(username, ip):
        window_hits(key, _window())
