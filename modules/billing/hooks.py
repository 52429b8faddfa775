"""Items other modules put on the next bill: installments (debt), credits and late charges
(collection), service fees (service). Those modules sit above billing in the dependency order, so
they register a source here at start-up (AppConfig.ready) instead of billing importing them.

A source answers, for a chunk of properties and a reference month, the items still to bill. The
billing run writes them with `source`/`source_id`; a source must not offer again an item that
already sits on a bill that is not cancelled (`already_billed` helps), so a re-run bills each once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from modules.common.domain.dates import YearMonth

from .domain.pricing import PendingItem

__all__ = ["ItemSource", "PendingItem", "already_billed", "pending_items", "register_item_source"]


ItemSource = Callable[[list[int], YearMonth], dict[int, list[PendingItem]]]

_SOURCES: dict[str, ItemSource] = {}


def register_item_source(name: str, source: ItemSource) -> None:
    _SOURCES[name] = source


def pending_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """Every registered source's items for these properties, by property id."""
    result: dict[int, list[PendingItem]] = {}
    for name in sorted(_SOURCES):
        for property_id, items in _SOURCES[name](property_ids, reference).items():
            result.setdefault(property_id, []).extend(items)
    return result


def already_billed(source: str, source_ids: Iterable[str]) -> set[str]:
    """The ids of `source` that already sit on a bill that is not cancelled."""
    from .models import BillItem, BillStatus

    return set(
        BillItem.objects.filter(source=source, source_id__in=list(source_ids))
        .exclude(bill__status=BillStatus.CANCELLED)
        .values_list("source_id", flat=True)
    )


# --- bills released (issue 23): who is told when a run's bills are issued ---------------------------
# The citizens' notices (modules/notifications) sit above billing: they register a listener here at
# start-up; run_release calls each, once the release is committed, with the run's id. A listener
# only enqueues work (it must not fail the release) and must be idempotent: a run re-released or a
# repeated call sends nothing twice.
BillsReleased = Callable[[int], object]

_RELEASED: dict[str, BillsReleased] = {}


def register_bills_released(name: str, listener: BillsReleased) -> None:
    _RELEASED[name] = listener


def bills_released(run_id: int) -> None:
    """Tell every registered listener that run `run_id`'s bills were released (after commit)."""
    for name in sorted(_RELEASED):
        _RELEASED[name](run_id)


# --- PIX on the bill (ADR 0217): the static BR Code a bill carries ------------------------------
# Collection (above billing) registers the provider at start-up: it knows the utility's PIX key and
# the txid that names the bill. The provider answers "" for a bill that carries none (no key, the
# bill not open, under direct debit).
BillPix = Callable[[object], str]

_PIX: list[BillPix] = []


def register_bill_pix(provider: BillPix) -> None:
    _PIX[:] = [provider]


def bill_pix(bill: object) -> str:
    """The bill's PIX "copia e cola" (the QR's content), or ""."""
    return _PIX[0](bill) if _PIX else ""
