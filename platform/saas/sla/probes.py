"""The availability probe: an HTTP GET through a tenant's real host, answered by `/status/probe`,
which runs a query inside that tenant's schema. Anything but a 200 with {"status": "ok"} in time is a
failure."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

PROBE_PATH = "/status/probe"


@dataclass(frozen=True)
class ProbeOutcome:
    ok: bool
    status_code: int | None
    latency_ms: int
    error: str = ""


def http_probe(*, base_url: str, host: str, timeout: float, session: Any = None) -> ProbeOutcome:
    http = session or requests
    started = time.perf_counter()
    try:
        response = http.get(
            base_url.rstrip("/") + PROBE_PATH,
            headers={"Host": host, "User-Agent": "manancial-probe/1"},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        elapsed = int((time.perf_counter() - started) * 1000)
        return ProbeOutcome(False, None, elapsed, f"{type(exc).__name__}: {exc}"[:300])
    elapsed = int((time.perf_counter() - started) * 1000)
    try:
        healthy = response.status_code == 200 and response.json().get("status") == "ok"
    except ValueError:
        healthy = False
    error = "" if healthy else f"HTTP {response.status_code}"
    return ProbeOutcome(healthy, response.status_code, elapsed, error)
