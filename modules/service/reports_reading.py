"""The reading reports of seed 001 3.2.4, each a table (pt-BR headers, rows of cells) that the staff
page and the API give as CSV: the reading bulletin for reading on paper (3.2.4.9), the reading
occurrences (3.2.4.12), the verification bulletin of the units flagged in the review (3.2.4.13), the
billed consumption and value against the unit's history beyond a given % (3.2.4.15), the consumption
above the range's maximum (3.2.4.16), the readers' productivity with their share of occurrences by
group and route (3.2.4.17.1) and the time between one reader's readings (3.2.4.17.2).

Lives in service (the top layer) because it reads reading, billing, metering and the registry. The
report engine of a later issue takes these tables as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from modules.billing.models import Bill, BillStatus
from modules.common.csv_export import Cell
from modules.common.domain.dates import YearMonth
from modules.metering.models import Installation
from modules.reading.domain.consumption import flag_labels, policy_reading_window
from modules.reading.models import Reading, ReviewStatus
from modules.reading.services.regulation import consumption_policy
from modules.registry.domain.payer import payer_relation
from modules.registry.models import Property, PropertyCategory, PropertyRelation

PERCENT = Decimal("0.01")
VALUE_HISTORY_MONTHS = 6


@dataclass(frozen=True)
class Filters:
    month: YearMonth
    group: int | None = None  # billing group code
    route: int | None = None  # route code within the group
    reader: str = ""
    occurrence: str = ""
    threshold: Decimal = Decimal("30")


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


def _address(p: Property) -> str:
    return (
        f"{p.street}, {p.number}"
        + (f" {p.complement}" if p.complement else "")
        + f" – {p.neighbourhood.name}"
    )


def _properties(f: Filters) -> QuerySet[Property]:
    qs = Property.objects.select_related("street", "neighbourhood", "billing_group", "route")
    if f.group is not None:
        qs = qs.filter(billing_group__code=f.group)
    if f.route is not None:
        qs = qs.filter(route__code=f.route)
    return qs


def _readings(f: Filters) -> QuerySet[Reading]:
    qs = Reading.objects.filter(reference=f.month.first_day()).select_related(
        "property__street",
        "property__neighbourhood",
        "property__billing_group",
        "property__route",
        "occurrence",
        "installation__meter",
    )
    if f.group is not None:
        qs = qs.filter(property__billing_group__code=f.group)
    if f.route is not None:
        qs = qs.filter(property__route__code=f.route)
    if f.reader:
        qs = qs.filter(actor=f.reader)
    return qs.order_by(
        "property__billing_group__code", "property__route__code", "property__route_sequence", "property_id"
    )


def _where(p: Property) -> tuple[Cell, Cell, Cell]:
    return (
        p.billing_group.code if p.billing_group else None,
        p.route.code if p.route else None,
        p.route_sequence,
    )


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


# --- 3.2.4.9 -------------------------------------------------------------------------------------


def reading_bulletin(f: Filters) -> Table:
    """The units to read in route order with the previous reading and blank fields to fill in."""
    props = list(_properties(f).order_by("billing_group__code", "route__code", "route_sequence", "id"))
    ids = [p.pk for p in props]
    before = f.month.first_day()
    previous: dict[int, int | None] = {}
    for r in (
        Reading.objects.filter(property_id__in=ids, reference__lt=before, value__isnull=False)
        .order_by("property_id", "-reference")
        .distinct("property_id")
        .values("property_id", "value")
    ):
        previous[r["property_id"]] = r["value"]
    meters: dict[int, tuple[str, int]] = {}
    for i in Installation.objects.filter(
        connection__property_id__in=ids, removed_on__isnull=True
    ).select_related("meter", "connection"):
        meters[i.connection.property_id] = (i.meter.number, i.initial_reading)
    rows: list[tuple[Cell, ...]] = []
    for p in props:
        meter, initial = meters.get(p.pk, ("", None))
        last = previous.get(p.pk, initial)
        rows.append((*_where(p), p.account_number, _address(p), meter or "sem hidrômetro", last, "", "", ""))
    return Table(
        "Boletim de leitura",
        (
            "Grupo",
            "Rota",
            "Sequência",
            "Matrícula",
            "Endereço",
            "Hidrômetro",
            "Leitura anterior",
            "Leitura",
            "Ocorrência",
            "Data",
        ),
        rows,
    )


# --- 3.2.4.12 ------------------------------------------------------------------------------------


def occurrences(f: Filters) -> Table:
    qs = _readings(f).filter(occurrence__isnull=False)
    if f.occurrence:
        qs = qs.filter(occurrence__code=f.occurrence)
    rows: list[tuple[Cell, ...]] = [
        (
            *_where(r.property),
            r.property.account_number,
            _address(r.property),
            f"{r.read_on:%d/%m/%Y}",
            r.occurrence.code if r.occurrence else "",
            r.occurrence.description if r.occurrence else "",
            r.consumption_m3,
            r.get_consumption_kind_display(),
            r.actor,
        )
        for r in qs
    ]
    return Table(
        "Ocorrências de leitura",
        (
            "Grupo",
            "Rota",
            "Sequência",
            "Matrícula",
            "Endereço",
            "Data da leitura",
            "Ocorrência",
            "Descrição",
            "Consumo faturado (m³)",
            "Tipo de consumo",
            "Leiturista",
        ),
        rows,
    )


# --- 3.2.4.13 ------------------------------------------------------------------------------------


def _holders(ids: list[int]) -> dict[int, str]:
    grouped: dict[int, list[PropertyRelation]] = defaultdict(list)
    for rel in PropertyRelation.objects.filter(property_id__in=ids, end__isnull=True).select_related(
        "customer"
    ):
        grouped[rel.property_id].append(rel)
    out = {}
    for pid, rels in grouped.items():
        chosen = payer_relation(rels)
        if chosen is not None:
            out[pid] = chosen.customer.name
    return out


def _categories(ids: list[int]) -> dict[int, str]:
    out: dict[int, list[str]] = defaultdict(list)
    for c in PropertyCategory.objects.filter(property_id__in=ids).select_related("category").order_by("id"):
        out[c.property_id].append(f"{c.category.code} × {c.economies}")
    return {k: ", ".join(v) for k, v in out.items()}


def verification_bulletin(f: Filters) -> Table:
    """The units the review flagged (a signal or an analysis pending) with their registry data."""
    readings = list(_readings(f).filter(Q(review=ReviewStatus.PENDING) | ~Q(flags=[])))
    ids = [r.property_id for r in readings]
    holders, categories = _holders(ids), _categories(ids)
    rows: list[tuple[Cell, ...]] = [
        (
            *_where(r.property),
            r.property.account_number,
            holders.get(r.property_id, ""),
            _address(r.property),
            categories.get(r.property_id, ""),
            r.installation.meter.number if r.installation else "",
            r.previous_value,
            r.value,
            r.consumption_m3,
            r.average_m3,
            "; ".join(flag_labels(r.flags)),
            r.occurrence.description if r.occurrence else "",
            r.get_review_display() if r.review else "",
        )
        for r in readings
    ]
    return Table(
        "Boletim de verificação",
        (
            "Grupo",
            "Rota",
            "Sequência",
            "Matrícula",
            "Cliente",
            "Endereço",
            "Categorias × economias",
            "Hidrômetro",
            "Leitura anterior",
            "Leitura",
            "Consumo (m³)",
            "Média (m³)",
            "Sinais",
            "Ocorrência",
            "Análise",
        ),
        rows,
    )


# --- 3.2.4.15 ------------------------------------------------------------------------------------


def _bill_values(ids: list[int], month: YearMonth) -> tuple[dict[int, Decimal], dict[int, list[Decimal]]]:
    current: dict[int, Decimal] = {}
    history: dict[int, list[Decimal]] = defaultdict(list)
    start = month.plus(-VALUE_HISTORY_MONTHS).first_day()
    for b in (
        Bill.objects.filter(property_id__in=ids, reference__gte=start, reference__lte=month.first_day())
        .exclude(status=BillStatus.CANCELLED)
        .order_by("property_id", "reference", "id")
        .values("property_id", "reference", "total")
    ):
        if b["reference"] == month.first_day():
            current[b["property_id"]] = b["total"]
        else:
            history[b["property_id"]].append(b["total"])
    return current, history


def deviation(f: Filters) -> Table:
    """Units whose billed consumption departs from their average by more than `threshold` % (either
    way), with the month's bill value against the average of the previous six bills."""
    readings = [r for r in _readings(f) if r.average_m3]
    current, history = _bill_values([r.property_id for r in readings], f.month)
    rows: list[tuple[Cell, ...]] = []
    for r in readings:
        assert r.average_m3 is not None
        dev = _percent(Decimal(r.consumption_m3) - r.average_m3, r.average_m3)
        if abs(dev) <= f.threshold:
            continue
        value = current.get(r.property_id)
        past = history.get(r.property_id, [])
        mean = (sum(past, Decimal(0)) / len(past)).quantize(PERCENT, rounding=ROUND_HALF_UP) if past else None
        value_dev = _percent(value - mean, mean) if value is not None and mean else None
        rows.append(
            (
                *_where(r.property),
                r.property.account_number,
                _address(r.property),
                r.consumption_m3,
                r.average_m3,
                dev,
                value,
                mean,
                value_dev,
            )
        )
    return Table(
        f"Desvio do consumo faturado acima de {f.threshold} %",
        (
            "Grupo",
            "Rota",
            "Sequência",
            "Matrícula",
            "Endereço",
            "Consumo faturado (m³)",
            "Média histórica (m³)",
            "Desvio do consumo (%)",
            "Valor faturado (R$)",
            "Valor médio de 6 meses (R$)",
            "Desvio do valor (%)",
        ),
        rows,
    )


# --- 3.2.4.16 ------------------------------------------------------------------------------------


def excess(f: Filters) -> Table:
    """Units whose reading passed the top of the expected window (previous + average + high %)."""
    policy = consumption_policy(f.month.first_day())
    rows: list[tuple[Cell, ...]] = []
    for r in _readings(f):
        if r.previous_value is None or r.value is None or not r.average_m3 or r.installation is None:
            continue
        dials = r.installation.meter.dials
        _, top = policy_reading_window(r.previous_value, r.average_m3, policy, dials)
        limit = (top - r.previous_value) % (10**dials)
        if r.consumption_m3 <= limit:
            continue
        rows.append(
            (
                *_where(r.property),
                r.property.account_number,
                _address(r.property),
                r.previous_value,
                r.value,
                r.consumption_m3,
                r.average_m3,
                limit,
                r.consumption_m3 - limit,
            )
        )
    return Table(
        "Excesso de consumo",
        (
            "Grupo",
            "Rota",
            "Sequência",
            "Matrícula",
            "Endereço",
            "Leitura anterior",
            "Leitura",
            "Consumo (m³)",
            "Média (m³)",
            "Limite superior (m³)",
            "Excesso (m³)",
        ),
        rows,
    )


# --- 3.2.4.17 ------------------------------------------------------------------------------------


def productivity(f: Filters) -> Table:
    """Per reader, group and route: readings, readings with an occurrence and their share."""
    counts: dict[tuple[str, Cell, Cell], list[int]] = defaultdict(lambda: [0, 0])
    for r in _readings(f):
        key = (r.actor, *_where(r.property)[:2])
        counts[key][0] += 1
        counts[key][1] += 1 if r.occurrence_id else 0
    rows: list[tuple[Cell, ...]] = [
        (reader, group, route, n, occ, _percent(Decimal(occ), Decimal(n)))
        for (reader, group, route), (n, occ) in sorted(
            counts.items(), key=lambda kv: tuple(str(x) for x in kv[0])
        )
    ]
    return Table(
        "Produtividade dos leituristas",
        ("Leiturista", "Grupo", "Rota", "Leituras", "Com ocorrência", "Ocorrências (%)"),
        rows,
    )


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def time_between(f: Filters, zone: dt.tzinfo) -> Table:
    """One reader's readings in the order they reached the server, each with the interval since the
    previous one; the intervals add up to the span from the first to the last."""
    readings = sorted(_readings(f), key=lambda r: (r.created_at, r.pk))
    rows: list[tuple[Cell, ...]] = []
    last: dt.datetime | None = None
    total = 0
    for index, r in enumerate(readings, start=1):
        gap = int((r.created_at - last).total_seconds()) if last is not None else 0
        total += gap
        rows.append(
            (
                index,
                r.actor,
                *_where(r.property),
                r.property.account_number,
                f"{r.created_at.astimezone(zone):%d/%m/%Y %H:%M:%S}",
                _duration(gap) if last is not None else "",
                _duration(total),
            )
        )
        last = r.created_at
    return Table(
        "Tempo entre leituras",
        (
            "Ordem",
            "Leiturista",
            "Grupo",
            "Rota",
            "Sequência",
            "Matrícula",
            "Registrada em",
            "Intervalo",
            "Acumulado",
        ),
        rows,
    )


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    leaf: str
    description: str
    build: Callable[[Filters], Table]
    needs_group: bool = False
    needs_reader: bool = False
    uses_threshold: bool = False
    uses_occurrence: bool = False


def reports(zone: dt.tzinfo) -> tuple[Report, ...]:
    return (
        Report(
            "boletim-de-leitura",
            "Boletim de leitura",
            "3.2.4.9",
            "Imóveis da rota na sequência de leitura, com a leitura anterior e campos em branco para "
            "leitura em papel.",
            reading_bulletin,
            needs_group=True,
        ),
        Report(
            "ocorrencias",
            "Ocorrências de leitura",
            "3.2.4.12",
            "Leituras do mês com ocorrência, por grupo, rota, leiturista e ocorrência.",
            occurrences,
            uses_occurrence=True,
        ),
        Report(
            "boletim-de-verificacao",
            "Boletim de verificação",
            "3.2.4.13",
            "Imóveis sinalizados na análise de leituras, com os dados cadastrais.",
            verification_bulletin,
        ),
        Report(
            "desvio",
            "Desvio do faturado sobre o histórico",
            "3.2.4.15",
            "Consumo e valor faturados que se afastam da média do imóvel mais que o percentual informado.",
            deviation,
            uses_threshold=True,
        ),
        Report(
            "excesso",
            "Excesso de consumo",
            "3.2.4.16",
            "Consumos acima do limite superior da faixa esperada de leitura.",
            excess,
        ),
        Report(
            "produtividade",
            "Produtividade dos leituristas",
            "3.2.4.17.1",
            "Leituras e ocorrências de cada leiturista por grupo e rota.",
            productivity,
        ),
        Report(
            "tempo-entre-leituras",
            "Tempo entre leituras",
            "3.2.4.17.2",
            "As leituras de um leiturista na ordem em que foram registradas, com o intervalo entre elas.",
            lambda f: time_between(f, zone),
            needs_reader=True,
        ),
    )
