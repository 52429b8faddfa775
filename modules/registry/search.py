"""One search box for properties: account number, inscription, CPF/CNPJ, customer name, street and
number, and any key a later module adds (metering adds the meter number) without registry importing it.

Every key is one indexed, LIMITed query of property ids; the union of them, ranked, is the result.
Text is folded in Python (`domain.text.fold`) exactly as the stored `*_search` columns are, and
matched with LIKE '%token%' on trigram GIN indexes, so partial, accent- and case-insensitive search
stays an index scan. Work is bounded: no key reads more than SEARCH_LIMIT + 1 matches and nothing
counts the whole match set (docs/adr/0102-bounded-property-search.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL

from modules.common.domain.documents import document_kind, strip_document

from .domain.account_number import InvalidAccountNumber
from .domain.inscription import inscription_prefix
from .domain.payer import PAYER_ORDER
from .domain.text import fold
from .models import Property, PropertyRelation
from .numbering import inscription_widths
from .numbering import parse_account as parse_account_number

KeyProvider = Callable[[str], "QuerySet[object] | None"]
_PROVIDERS: list[KeyProvider] = []

# Words that appear in almost every address or name: they add no selectivity, only index work.
STOPWORDS = frozenset(
    {"rua", "avenida", "av", "travessa", "tv", "alameda", "al", "da", "de", "do", "das", "dos", "e"}
)
MIN_TOKEN = 2
# A search shows at most this many properties; past it the count reads "500+" and the user refines.
SEARCH_LIMIT = 500


def register_key(provider: KeyProvider) -> None:
    """A provider takes the raw query and returns a queryset of property ids (values_list) or None."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _search_tokens(query: str) -> list[str]:
    words = [w for w in fold(query).split(" ") if w]
    useful = [w for w in words if w not in STOPWORDS and len(w) >= MIN_TOKEN]
    return useful or [w for w in words if len(w) >= MIN_TOKEN]


def current_holders() -> QuerySet[PropertyRelation]:
    """Current relations of a property, the bills' payer first (domain.payer.PAYER_ORDER)."""
    return PropertyRelation.objects.filter(property=OuterRef("pk"), end__isnull=True).order_by(
        Case(
            *(When(role=role, then=Value(rank)) for rank, role in enumerate(PAYER_ORDER)),
            default=Value(len(PAYER_ORDER)),
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
    """The exact keys (account number, inscription prefix, CPF/CNPJ, and those other modules register):
    each a queryset of property ids, few rows each (an inscription prefix is bounded by its index order)."""
    q = (query or "").strip()
    if not q:
        return []
    subs: list[QuerySet[object]] = []
    with contextlib.suppress(InvalidAccountNumber):
        subs.append(Property.objects.filter(account_base=parse_account_number(q)).values_list("id"))
    prefix = inscription_prefix(q, inscription_widths())
    if prefix:
        subs.append(
            Property.objects.filter(inscription__startswith=prefix).order_by("inscription").values_list("id")
        )
    chars = strip_document(q)
    if len(chars) in (11, 14) and document_kind(chars):
        subs.append(
            PropertyRelation.objects.filter(customer__cpf_cnpj=chars, end__isnull=True).values_list(
                "property_id"
            )
        )
    for provider in _PROVIDERS:
        sub = provider(q)
        if sub is not None:
            subs.append(sub)
    return subs


# Scores: an exact key first, then a holder whose name starts with what was typed, then trigram
# similarity (0..1) of the holder's name or of the address to the folded query.
EXACT, NAME_PREFIX = 3.0, 2.0

_CUSTOMERS_SQL = """
(SELECT id, %s::float8 AS score FROM registry_customer WHERE name_search LIKE %s
 ORDER BY name_search LIMIT %s)
UNION ALL
(SELECT id, similarity(name_search, %s)::float8 FROM registry_customer WHERE {tokens} LIMIT %s)
"""
_ADDRESS_SQL = """
SELECT id, similarity(address_search, %s)::float8 FROM registry_property WHERE {tokens} LIMIT %s
"""


def _text_matches(folded: str, tokens: list[str], limit: int) -> tuple[dict[int, float], bool]:
    """Holder-name and address matches with their scores, and whether any branch had more.

    Every token must appear (LIKE '%token%' on the trigram GIN indexes of the folded columns); the
    name typed from its start also matches by the btree prefix index. Each branch stops at its
    LIMIT, so a common name ("maria", ~10% of a registry) costs what a rare one does: the candidates
    found, not the whole match set, are ranked and counted."""
    likes = " AND ".join(["{col} LIKE %s"] * len(tokens))
    patterns = [f"%{t}%" for t in tokens]  # fold() leaves only [a-z0-9 ]: nothing to escape
    more = limit + 1
    scores: dict[int, float] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _CUSTOMERS_SQL.format(tokens=likes.format(col="name_search")),
            [NAME_PREFIX, f"{folded}%", more, folded, *patterns, more],
        )
        rows = cursor.fetchall()
        prefixed = sum(1 for _, score in rows if score == NAME_PREFIX)
        truncated = prefixed == more or len(rows) - prefixed == more
        # every prefix match also has every token: the best `more` customers are enough to rank and cap
        best = sorted(rows, key=lambda row: (-row[1], row[0]))
        customers: dict[int, float] = {}
        for pk, score in best:
            if len(customers) == more:
                break
            customers.setdefault(pk, score)
        if customers:
            cursor.execute(
                'SELECT property_id, customer_id FROM registry_propertyrelation WHERE "end" IS NULL '
                "AND customer_id = ANY(%s)",
                [list(customers)],
            )
            for pk, customer in cursor.fetchall():
                scores[pk] = max(scores.get(pk, -1.0), customers[customer])
        cursor.execute(
            _ADDRESS_SQL.format(tokens=likes.format(col="address_search")), [folded, *patterns, more]
        )
        addresses = cursor.fetchall()
        truncated |= len(addresses) == more
        for pk, score in addresses:
            scores[pk] = max(scores.get(pk, -1.0), score)
    return scores, truncated


@dataclass(frozen=True)
class SearchResult:
    """What the search box and the API show: the best-ranked properties, at most `limit` of them."""

    results: QuerySet[Property]
    truncated: bool  # more matched than `limit`: the count shown is a floor ("500+"), refine the query
    limit: int = SEARCH_LIMIT


def search_properties(query: str, *, limit: int | None = None) -> SearchResult:
    """Properties matching any key, best first (exact key, name prefix, similarity), then by account
    number, each with its current holder. An empty query lists every property by account number."""
    limit = limit or SEARCH_LIMIT
    base = Property.objects.select_related("street", "neighbourhood")
    q = (query or "").strip()
    if not q:
        return SearchResult(with_holder(base.order_by("account_base")), False, limit)
    scores: dict[int, float] = {}
    truncated = False
    for sub in key_subqueries(q):
        rows = list(sub[: limit + 1])
        truncated |= len(rows) > limit
        for (pk,) in rows:
            scores[pk] = EXACT
    tokens = _search_tokens(q)
    if tokens and any(c.isalpha() for c in q):
        found, more = _text_matches(" ".join(fold(q).split()), tokens, limit)
        truncated |= more
        for pk, score in found.items():
            scores[pk] = max(scores.get(pk, -1.0), score)
    if not scores:
        return SearchResult(base.none(), False, limit)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    truncated |= len(ranked) > limit
    ids = [pk for pk, _ in ranked[:limit]]
    rank = RawSQL(
        "(%s::float8[])[array_position(%s::bigint[], registry_property.id)]",
        ([scores[pk] for pk in ids], ids),
    )
    qs = base.filter(id__in=ids).annotate(search_score=rank).order_by("-search_score", "account_base")
    return SearchResult(with_holder(qs), truncated, limit)


def property_search(query: str) -> QuerySet[Property]:
    """The ranked properties of `search_properties` (at most SEARCH_LIMIT of them)."""
    return search_properties(query).results
