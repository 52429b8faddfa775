"""One search box for properties: account number, inscription, CPF/CNPJ, customer name, street and
number, and any key a later module adds (metering adds the meter number) without registry importing it.

Every key becomes one indexed subquery of property ids; the union of them is the result. Text is
folded in Python (`domain.text.fold`) exactly as the stored `*_search` columns are, and matched with
LIKE '%token%' on trigram GIN indexes, so partial, accent- and case-insensitive search stays an
index scan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from modules.common.domain.documents import document_kind, strip_document

from .domain.account_number import InvalidAccountNumber, parse_account_number
from .domain.inscription import inscription_prefix
from .domain.text import fold
from .models import Customer, Property, PropertyRelation

KeyProvider = Callable[[str], "QuerySet[object] | None"]
_PROVIDERS: list[KeyProvider] = []

# Words that appear in almost every address or name: they add no selectivity, only index work.
STOPWORDS = frozenset(
    {"rua", "avenida", "av", "travessa", "tv", "alameda", "al", "da", "de", "do", "das", "dos", "e"}
)
MIN_TOKEN = 2


def register_key(provider: KeyProvider) -> None:
    """A provider takes the raw query and returns a queryset of property ids (values_list) or None."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _search_tokens(query: str) -> list[str]:
    words = [w for w in fold(query).split(" ") if w]
    useful = [w for w in words if w not in STOPWORDS and len(w) >= MIN_TOKEN]
    return useful or [w for w in words if len(w) >= MIN_TOKEN]


def current_holders() -> QuerySet[PropertyRelation]:
    """Current relations of a property, the one responsible for the bill first, then the owner."""
    return PropertyRelation.objects.filter(property=OuterRef("pk"), end__isnull=True).order_by(
        Case(
            When(role=PropertyRelation.Role.BILL_PAYER, then=Value(0)),
            When(role=PropertyRelation.Role.OWNER, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def with_holder(qs: QuerySet[Property]) -> QuerySet[Property]:
    holders = current_holders()
    return qs.annotate(
        holder_name=Subquery(holders.values("customer__name")[:1]),
        holder_cpf_cnpj=Subquery(holders.values("customer__cpf_cnpj")[:1]),
    )


def key_subqueries(query: str) -> list[QuerySet[object]]:
    q = (query or "").strip()
    if not q:
        return []
    subs: list[QuerySet[object]] = []
    with contextlib.suppress(InvalidAccountNumber):
        subs.append(Property.objects.filter(account_base=parse_account_number(q)).values_list("id"))
    prefix = inscription_prefix(q)
    if prefix:
        subs.append(Property.objects.filter(inscription__startswith=prefix).values_list("id"))
    chars = strip_document(q)
    if len(chars) in (11, 14) and document_kind(chars):
        subs.append(
            PropertyRelation.objects.filter(customer__cpf_cnpj=chars, end__isnull=True).values_list(
                "property_id"
            )
        )
    tokens = _search_tokens(q)
    has_letters = any(c.isalpha() for c in q)
    if tokens and has_letters:
        customers = Customer.objects.all()
        for token in tokens:
            customers = customers.filter(name_search__contains=token)
        subs.append(
            PropertyRelation.objects.filter(
                end__isnull=True, customer__in=customers.values("id")
            ).values_list("property_id")
        )
        addresses = Property.objects.all()
        for token in tokens:
            addresses = addresses.filter(address_search__contains=token)
        subs.append(addresses.values_list("id"))
    for provider in _PROVIDERS:
        sub = provider(q)
        if sub is not None:
            subs.append(sub)
    return subs


def property_search(query: str) -> QuerySet[Property]:
    """Properties matching any key, ordered by account number, each with its current holder."""
    subs = key_subqueries(query)
    base = Property.objects.select_related("street", "neighbourhood")
    if not (query or "").strip():
        return with_holder(base.order_by("account_base"))
    if not subs:
        return base.none()
    union = subs[0].union(*subs[1:]) if len(subs) > 1 else subs[0]
    return with_holder(base.filter(id__in=union).order_by("account_base"))
