"""Hooks modules above collection register at start-up (AppConfig.ready), and the barcode of a guia.

* `register_document_paid(source, handler)`: called, in the paying transaction, when a document whose
  `source` matches is settled (debt: an agreement's down payment activates the agreement).
* `register_bill_hold(name, hold)`: answers, for bill ids, those that must not be settled directly and
  why (debt: a bill folded into a live agreement). Such a payment goes to review.
* `register_bills_paid(name, handler)`: called, in the paying transaction, with the ids of the bills a
  payment batch has just settled (counter, return file, gateway, a review applied) — service: a cut
  property whose debts are paid gets its reconnection order, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from modules.billing.domain.febraban import build_barcode
from modules.common.clock import febraban_company_code

DocumentPaid = Callable[[Any, Any], None]  # (document, actor)
BillHold = Callable[[list[int]], dict[int, str]]

_PAID: dict[str, DocumentPaid] = {}
_HOLDS: dict[str, BillHold] = {}
BillsPaid = Callable[[list[int], Any], None]  # (bill ids, actor)
_BILLS_PAID: dict[str, BillsPaid] = {}

# Free field of a guia: "9", the document id (16 digits) and the validity date (AAAAMMDD). Payments
# are matched by the whole 44 digits against bills first, then documents, so a guia and a bill could
# only be confused if every digit (amount included) were equal.
DOCUMENT_MARK = "9"


def register_document_paid(source: str, handler: DocumentPaid) -> None:
    _PAID[source] = handler


def register_bill_hold(name: str, hold: BillHold) -> None:
    _HOLDS[name] = hold


def document_paid(document: Any, actor: Any) -> None:
    handler = _PAID.get(document.source)
    if handler is not None:
        handler(document, actor)


def register_bills_paid(name: str, handler: BillsPaid) -> None:
    _BILLS_PAID[name] = handler


def bills_paid(bill_ids: Iterable[int], actor: Any) -> None:
    """Runs inside the caller's (paying) transaction: every registered handler, in name order."""
    ids = sorted(set(bill_ids))
    if not ids:
        return
    for name in sorted(_BILLS_PAID):
        _BILLS_PAID[name](ids, actor)


def held_bills(bill_ids: Iterable[int]) -> dict[int, str]:
    ids = list(bill_ids)
    held: dict[int, str] = {}
    for name in sorted(_HOLDS):
        held.update(_HOLDS[name](ids))
    return held


def document_barcode(document_id: int, amount: Any, valid_until: Any) -> tuple[str, str]:
    free = f"{DOCUMENT_MARK}{document_id:016d}{valid_until:%Y%m%d}"
    code = build_barcode(amount=amount, company_code=febraban_company_code(), free_field=free)
    return code.digits, code.typeable_line
