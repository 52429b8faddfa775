"""Who and where of the current request, for audit rows and log lines (no Django imports)."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str
    user_agent: str
    # the counter's workstation id, set by a local agent (header X-Manancial-Workstation, ADR 0187)
    workstation: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("manancial_request_context", default=None)


def bind_request_context(ctx: RequestContext) -> Token[RequestContext | None]:
    return _current.set(ctx)


def reset_request_context(token: Token[RequestContext | None]) -> None:
    _current.reset(token)


def current_request_context() -> RequestContext | None:
    return _current.get()
