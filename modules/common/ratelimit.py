"""A fixed-window counter in the cache, for rate limits (sign-in, certificate checks, e-mails).

The cache's key function adds the tenant's schema, so one utility's counters never touch another's.
"""

from __future__ import annotations

from django.core.cache import cache


def window_hits(key: str, seconds: int) -> int:
    """Count one more hit on `key` and answer how many it has had in the current window."""
    cache.add(key, 0, timeout=seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
