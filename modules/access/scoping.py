"""Scoped grants in querysets (S3.4-02): the filter a list applies so a user sees only the records of
the departments, localities or sectors a function is granted on, and the checks that a scope names
a place that exists (registered by the modules that own those places, in their AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from .domain.scopes import Place, Scope, in_scope

# kind -> (value -> does the place exist?)
SCOPE_CHECKS: dict[str, Callable[[str], bool]] = {}


def register_scope_check(kind: str, exists: Callable[[str], bool]) -> None:
    SCOPE_CHECKS[kind] = exists


@dataclass(frozen=True)
class ScopePaths:
    """The lookups from a model to its place: `department="sector__name"`,
    `locality="property__locality"`, `sector="property__sector"` (the sector's number inside its
    locality). A kind a model has no path for never matches it."""

    department: str | None = None
    locality: str | None = None
    sector: str | None = None


def scope_q(scopes: frozenset[Scope] | None, paths: ScopePaths) -> Q | None:
    """None: no restriction. Otherwise the records inside one of the scopes (an empty Q that matches
    nothing when no scope applies to this model)."""
    if scopes is None:
        return None
    q = Q(pk__in=[])
    for scope in scopes:
        if scope.kind == "department" and paths.department:
            q |= Q(**{paths.department: scope.value})
        elif scope.kind == "locality" and paths.locality:
            q |= Q(**{paths.locality: int(scope.value)})
        elif scope.kind == "sector" and paths.locality and paths.sector:
            locality, _, sector = scope.value.partition(".")
            q |= Q(**{paths.locality: int(locality), paths.sector: int(sector)})
    return q


def scoped(qs: Any, user: Any, function: str, paths: ScopePaths) -> Any:
    """`qs` limited to what `user` may see of `function` (every row when the grant is unscoped)."""
    q = scope_q(user.scopes_for(function), paths)
    return qs if q is None else qs.filter(q)


def scope_require(actor: Any, function: str, action: str, place: Place) -> None:
    """Refuse a person's write on a record outside the scope of their grant of `function` (a system
    actor has none). Reads only; runs inside the caller's transaction."""
    from modules.common.errors import PermissionDenied

    from .errors import ErrorCode

    scopes_for = getattr(actor, "scopes_for", None)  # only the scope: the grant is the caller's check
    if scopes_for is not None and not in_scope(scopes_for(function), place):
        raise PermissionDenied(
            "Sua permissão para esta função não abrange o departamento, a localidade ou o setor "
            "deste registro.",
            field="scope",
            code=ErrorCode.OUTSIDE_SCOPE,
        )
