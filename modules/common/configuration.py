"""The contract every module's settings section follows in the configuration document (issue #13):
`GET /api/v1/settings/export` answers one versioned JSON document with every setting of the utility
(no customers, no secrets, no database ids), `POST /api/v1/settings/import[?dry_run=1]` takes one.

Each module that owns settings has a `configuration.py` with a module-level `SECTION` object that
satisfies `Section` below. The aggregator (modules/configuration) lists the sections in dependency
order (registry before billing, whose tariffs name categories), exports each, and on import plans
all of them first (nothing written), then applies all of them in one transaction.

Rules each section keeps:
- export is deterministic: natural keys (codes, names, dates), lists sorted, Decimal as string,
  dates ISO; exporting, importing into a new utility and exporting again gives the same section;
- plan returns the differences as `Change` rows and raises `ValidationFailed` whose `field` is the
  path inside the document (`collection.agents[2].agreement`) with a pt-BR message; it never writes;
- apply makes the utility's settings equal to the section: new rows created, changed rows changed
  (as a new version where the rule is effective-dated; a version in force on a billed month is never
  changed in place: plan refuses it), rows absent from the document removed only when nothing uses
  them (plan refuses otherwise); every write audited; it runs inside the aggregator's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .audit import Actor

FORMAT = "manancial.settings"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Change:
    """One difference between the utility's settings and a document: `before` None is an addition,
    `after` None a removal."""

    path: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is None:
            return "add"
        if self.after is None:
            return "remove"
        return "change"


class Section(Protocol):
    key: str  # the section's key in the document ("registry", "billing", …)
    title: str  # pt-BR, shown on the import preview

    def export(self) -> dict[str, Any]: ...

    def plan(self, data: dict[str, Any]) -> list[Change]: ...

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (not durable)."""
        ...
