"""Reads memoized for a batch of order moves: the field sync applies a day of closings of the same
few codes, teams and materials, and each closing would otherwise read the same team, closing form,
prices in force and code effect again (ADR 0180, "Sync of a day").

A `Lookups` lives for one batch only (one request); a fresh one per call is what a single back-office
closing gets, so it reads exactly as before. Only rows the batch does not write are memoized: a
savepoint rolled back by a refused event leaves every memoized value true."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any, TypeVar

from .domain.closing import ClosingField
from .models import Material, PendingCharge, ServiceCode, ServiceOrder, Team
from .selectors import code_get, material_get, material_price_in_force, price_in_force, team_get
from .services.opening_settings import closing_fields_of

T = TypeVar("T")


class Lookups:
    """Memoized reads, keyed by what they read. Errors (NotFound, no price in force) are not memoized:
    each event that meets them raises its own, with its own field."""

    def __init__(self) -> None:
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, load: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = load()
        value: T = self._memo[key]
        return value

    def seed(self, key: Hashable, value: Any) -> None:
        """A value the batch read in bulk beforehand (one query for all its orders)."""
        self._memo[key] = value

    def team(self, team_id: int) -> Team:
        return self.memo(("team", team_id), lambda: team_get(team_id))

    def code(self, code: str) -> ServiceCode:
        return self.memo(("code", code.strip().upper()), lambda: code_get(code))

    def material(self, code: str, field: str) -> Material:
        return self.memo(("material", code.strip().upper()), lambda: material_get(code, field))

    def service_price(self, code: ServiceCode, on: dt.date, field: str) -> Decimal:
        return self.memo(("service_price", code.pk, on), lambda: price_in_force(code, on, field))

    def material_price(self, material: Material, on: dt.date, field: str) -> Decimal:
        return self.memo(
            ("material_price", material.pk, on), lambda: material_price_in_force(material, on, field)
        )

    def closing_fields(self, code_id: int) -> list[ClosingField]:
        return self.memo(("closing_fields", code_id), lambda: closing_fields_of(code_id))

    def charge_amounts(self, order: ServiceOrder) -> list[Decimal]:
        """The amounts of the order's charges before its closing writes its own (the closing's audit
        row lists them all): one query per closing, or none when the batch read them."""
        return self.memo(("charges", order.pk), lambda: [c.amount for c in order.charges.all()])

    def read_charge_amounts(self, order_ids: list[int]) -> None:
        """The charges of a batch's orders in one query, for `charge_amounts`."""
        amounts: dict[int, list[Decimal]] = {pk: [] for pk in order_ids}
        for order_id, amount in PendingCharge.objects.filter(order_id__in=order_ids).values_list(
            "order_id", "amount"
        ):
            amounts[order_id].append(amount)
        for pk, values in amounts.items():
            self.seed(("charges", pk), values)

    def read_orders(self, orders: list[ServiceOrder]) -> None:
        """A batch's orders as loaded with their code and property (select them related): each
        move then re-reads and locks the order's row alone (`order_related`)."""
        for o in orders:
            self.seed(("order_related", o.pk), (o.code, o.property_id, o.property))

    def read_connection_orders(self, order_ids: list[int]) -> None:
        """Which of a batch's orders a new-connection request follows (its feasibility or execution
        order), in one query, for `may_have_connection`: a request names its order when it opens
        it, in the same transaction, so an order the batch read has its request already."""
        from django.db.models import Q

        from .models import ConnectionRequest

        linked: set[int | None] = set()
        for pair in ConnectionRequest.objects.filter(
            Q(feasibility_order_id__in=order_ids) | Q(execution_order_id__in=order_ids)
        ).values_list("feasibility_order_id", "execution_order_id"):
            linked.update(pair)
        for pk in order_ids:
            self.seed(("connection_order", pk), pk in linked)

    def may_have_connection(self, order_id: int) -> bool:
        """False only when the batch read that no connection request follows the order."""
        known: bool = self._memo.get(("connection_order", order_id), True)
        return known

    def order_related(self, order_id: int) -> tuple[ServiceCode, int | None, Any] | None:
        """(code, property id, property) of an order the batch read, None otherwise."""
        related: tuple[ServiceCode, int | None, Any] | None = self._memo.get(("order_related", order_id))
        return related
