"""The datasets reports read: each a tenant-scoped queryset (the connection's schema is the tenant's)
whose columns have names, labels and kinds, and the filters it offers, each an ORM lookup.

The engine only ever reads `Source.base()`, `Source.paths` and `Source.predicates`; a new report
over an existing dataset is a new row in the catalogue, never a change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, NullIf, TruncDate

from modules.billing.models import BILL_STATUS_CHOICES, ITEM_KIND_LABELS, Bill, BillItem, BillNote
from modules.collection.models import CollectingAgent, Payment, ReturnFile
from modules.collection.models_direct_debit import DirectDebitAuthorization, DirectDebitReturnRecord
from modules.debt.models import Certificate
from modules.debt.models_active_debt import ActiveDebtEntry, EntryStatus
from modules.debt.models_bureau import BureauRecord
from modules.debt.models_cutoff import CutNotice
from modules.metering.models import Installation
from modules.reading.models import Reading
from modules.registry.domain.connections import SITUATIONS
from modules.registry.models import Customer, Property, PropertyCategory, ServiceConnection
from modules.service.models import ORDER_STATUS_CHOICES, ServiceOrder
from modules.service.models_channels import Campaign, CampaignTarget
from modules.service.models_desk import Attendance

from .domain.spec import Column, Dataset, FilterKind, FilterSpec

Predicate = Callable[[Any], Q]

CONSUMPTION_KINDS = (
    ("measured", "Medido"),
    ("average", "Média"),
    ("minimum", "Mínimo"),
    ("fixed", "Fixo"),
    ("estimated", "Estimado"),
)
KIND_CHOICES = tuple((k.value, label) for k, label in ITEM_KIND_LABELS.items())
# the ranges of the consumption histogram (3.2.19.84), m³ per month
RANGES = ((0, 10, "00–10 m³"), (11, 20, "11–20 m³"), (21, 30, "21–30 m³"), (31, 50, "31–50 m³"))


@dataclass(frozen=True)
class Source:
    spec: Dataset
    base: Callable[[], QuerySet[Any]]
    paths: dict[str, Any]  # column name → ORM path (str) or expression
    predicates: dict[str, Predicate] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column → value → pt-BR label


def _main_category(prop_path: str) -> Subquery:
    """The property's category with the most economias (the category of a line without one)."""
    return Subquery(
        PropertyCategory.objects.filter(property_id=OuterRef(prop_path))
        .order_by("-economies", "category__code")
        .values("category__code")[:1]
    )


def _holder_name(prop_path: str) -> Subquery:
    from modules.registry.models import PropertyRelation

    return Subquery(
        PropertyRelation.objects.filter(property_id=OuterRef(prop_path), end__isnull=True)
        .order_by(Case(When(role="bill_payer", then=0), When(role="user", then=1), default=2))
        .values("customer__name")[:1]
    )


def _f(name: str, label: str, kind: FilterKind, lookup: str, **kw: Any) -> FilterSpec:
    return FilterSpec(name, label, kind, lookup, **kw)


def _period(name: str, label: str, lookup: str) -> tuple[FilterSpec, FilterSpec]:
    return (
        _f(f"{name}_from", f"{label} – de", FilterKind.DATE, f"{lookup}__gte", period=name),
        _f(f"{name}_to", f"{label} – até", FilterKind.DATE, f"{lookup}__lte", period=name),
    )


STATUS = tuple((k, str(v)) for k, v in BILL_STATUS_CHOICES)
ALIVE = ("released", "paid")

# --- F1: bill lines ---------------------------------------------------------------------------

BILL_ITEMS = Source(
    spec=Dataset(
        "bill_items",
        "Itens (rubricas) das faturas",
        columns=(
            Column("bill", "Fatura", "int"),
            Column("reference", "Referência", "month"),
            Column("account_number", "Matrícula"),
            Column("group", "Grupo", "int"),
            Column("category", "Categoria"),
            Column("kind", "Rubrica"),
            Column("description", "Descrição"),
            Column("band", "Faixa de consumo"),
            Column("consumption_kind", "Tipo de consumo"),
            Column("bill_status", "Situação da fatura"),
            Column("issued_on", "Emissão", "date"),
            Column("quantity_m3", "Volume (m³)", "int"),
            Column("amount", "Valor (R$)", "money"),
        ),
        filters=(
            _f("month", "Mês de referência", FilterKind.MONTH, "bill__reference"),
            *_period("issued", "Emissão", "bill__issued_at__date"),
            _f("group", "Grupo de faturamento", FilterKind.INT, "bill__property__billing_group__code"),
            _f("category", "Categoria", FilterKind.TEXT, "=category"),
            _f("kind", "Rubrica", FilterKind.TEXT, "kind", choices=KIND_CHOICES),
            _f("bill_status", "Situação da fatura", FilterKind.TEXT, "bill__status", choices=STATUS),
            _f("consumption_kind", "Tipo de consumo", FilterKind.TEXT, "bill__consumption_kind"),
            _f("public_body", "Somente órgãos públicos", FilterKind.BOOL, "@public_body"),
        ),
    ),
    base=lambda: BillItem.objects.all(),
    paths={
        "bill": "bill_id",
        "reference": "bill__reference",
        "account_number": "bill__property__account_number",
        "group": "bill__property__billing_group__code",
        "category": Coalesce(
            NullIf(F("category"), Value("")), _main_category("bill__property_id"), Value("–")
        ),
        "kind": "kind",
        "description": "description",
        "band": Coalesce(NullIf(F("band"), Value("")), Value("–")),
        "consumption_kind": "bill__consumption_kind",
        "bill_status": "bill__status",
        "issued_on": TruncDate("bill__issued_at"),
        "quantity_m3": "quantity_m3",
        "amount": "amount",
    },
    predicates={
        "public_body": lambda v: (
            Q(bill__property__special="public_body") if v else ~Q(bill__property__special="public_body")
        ),
    },
    labels={
        "kind": dict(KIND_CHOICES),
        "bill_status": dict(STATUS),
        "consumption_kind": dict(CONSUMPTION_KINDS),
    },
)

# --- F2 and F7: bills -------------------------------------------------------------------------


def _overdue(value: bool) -> Q:
    from modules.common.clock import tenant_today

    q = Q(status="released", due_date__lt=tenant_today())
    return q if value else ~q


def _reissue_total() -> Subquery:
    return Subquery(
        Bill.objects.filter(replaces_id=OuterRef("pk"))
        .values("replaces_id")
        .annotate(t=Sum("total"))
        .values("t")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


BILLS = Source(
    spec=Dataset(
        "bills",
        "Faturas",
        columns=(
            Column("bill", "Fatura", "int"),
            Column("account_number", "Matrícula"),
            Column("payer", "Emitida em nome de"),
            Column("group", "Grupo", "int"),
            Column("reference", "Referência", "month"),
            Column("due_date", "Vencimento", "date"),
            Column("due_day", "Dia do vencimento", "int"),
            Column("bill_status", "Situação"),
            Column("consumption_m3", "Consumo (m³)", "int"),
            Column("direct_debit", "Débito automático"),
            Column("cancelled_on", "Cancelada em", "date"),
            Column("cancel_reason", "Motivo do cancelamento"),
            Column("reissued", "Refaturada (R$)", "money"),
            Column("total", "Total (R$)", "money"),
        ),
        filters=(
            _f("month", "Mês de referência", FilterKind.MONTH, "reference"),
            *_period("due", "Vencimento", "due_date"),
            *_period("cancelled", "Cancelamento", "cancelled_at__date"),
            _f("group", "Grupo de faturamento", FilterKind.INT, "property__billing_group__code"),
            _f("bill_status", "Situação", FilterKind.TEXT, "status", choices=STATUS),
            _f("overdue", "Somente vencidas", FilterKind.BOOL, "@overdue"),
            _f("direct_debit", "Em débito automático", FilterKind.BOOL, "@direct_debit"),
        ),
    ),
    base=lambda: Bill.objects.all(),
    paths={
        "bill": "id",
        "account_number": "property__account_number",
        "payer": Coalesce(NullIf(F("payer_name"), Value("")), _holder_name("property_id"), Value("–")),
        "group": "property__billing_group__code",
        "reference": "reference",
        "due_date": "due_date",
        "due_day": ExtractDay("due_date"),
        "bill_status": "status",
        "consumption_m3": "consumption_m3",
        "direct_debit": "direct_debit",
        "cancelled_on": TruncDate("cancelled_at"),
        "cancel_reason": "cancel_reason",
        "reissued": Coalesce(
            _reissue_total(), Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
        ),
        "total": "total",
    },
    predicates={
        "overdue": _overdue,
        "direct_debit": lambda v: ~Q(direct_debit="") if v else Q(direct_debit=""),
    },
    labels={"bill_status": dict(STATUS)},
)

BILL_NOTES = Source(
    spec=Dataset(
        "bill_notes",
        "Ocorrências das faturas (2ª via, vencimento, refaturamento)",
        columns=(
            Column("bill", "Fatura", "int"),
            Column("account_number", "Matrícula"),
            Column("note_kind", "Ocorrência"),
            Column("reason", "Motivo"),
            Column("user", "Usuário / canal"),
            Column("on", "Data", "date"),
            Column("bill_total", "Valor da fatura (R$)", "money"),
        ),
        filters=(
            _f(
                "note_kind",
                "Ocorrência",
                FilterKind.TEXT,
                "kind",
                choices=tuple(BillNote.KIND_LABELS.items()),
            ),
            *_period("on", "Data", "created_at__date"),
        ),
    ),
    base=lambda: BillNote.objects.all(),
    paths={
        "bill": "bill_id",
        "account_number": "bill__property__account_number",
        "note_kind": "kind",
        "reason": "reason",
        "user": "created_by",
        "on": TruncDate("created_at"),
        "bill_total": "bill__total",
    },
    labels={"note_kind": dict(BillNote.KIND_LABELS)},
)

# --- F3: payments and bank files --------------------------------------------------------------

PAYMENT_STATUS = tuple((str(k), str(v)) for k, v in Payment.Status.choices)
PAYMENTS = Source(
    spec=Dataset(
        "payments",
        "Pagamentos",
        columns=(
            Column("payment", "Pagamento", "int"),
            Column("agent", "Agente"),
            Column("channel", "Canal"),
            Column("payment_status", "Situação"),
            Column("review_reason", "Motivo da análise"),
            Column("return_file", "Arquivo retorno", "int"),
            Column("line", "Linha", "int"),
            Column("account_number", "Matrícula"),
            Column("bill", "Fatura", "int"),
            Column("barcode", "Código de barras"),
            Column("paid_on", "Pagamento", "date"),
            Column("credited_on", "Crédito", "date"),
            Column("fee", "Tarifa (R$)", "money"),
            Column("amount", "Valor (R$)", "money"),
        ),
        filters=(
            *_period("paid", "Data do pagamento", "paid_on"),
            *_period("credited", "Data do crédito", "credited_on"),
            _f("agent", "Agente arrecadador (código)", FilterKind.TEXT, "agent__code"),
            _f("channel", "Canal", FilterKind.TEXT, "channel", choices=tuple(Payment.Channel.choices)),
            _f("payment_status", "Situação", FilterKind.TEXT, "status", choices=PAYMENT_STATUS),
            _f(
                "review_reason",
                "Motivo da análise",
                FilterKind.TEXT,
                "review_reason",
                choices=tuple(Payment.Review.choices)[1:],
            ),
            _f("return_file", "Arquivo retorno (número)", FilterKind.INT, "return_file_id"),
        ),
    ),
    base=lambda: Payment.objects.all(),
    paths={
        "payment": "id",
        "agent": "agent__code",
        "channel": "channel",
        "payment_status": "status",
        "review_reason": "review_reason",
        "return_file": "return_file_id",
        "line": "line",
        "account_number": "property__account_number",
        "bill": "bill_id",
        "barcode": "barcode",
        "paid_on": "paid_on",
        "credited_on": "credited_on",
        "fee": "fee",
        "amount": "amount",
    },
    labels={
        "channel": dict(Payment.Channel.choices),
        "payment_status": dict(PAYMENT_STATUS),
        "review_reason": dict(Payment.Review.choices),
    },
)


def _payments_total(status: str | None = None) -> Subquery:
    qs = Payment.objects.filter(return_file_id=OuterRef("pk"))
    if status:
        qs = qs.filter(status=status)
    return Subquery(
        qs.values("return_file_id").annotate(t=Sum("amount")).values("t")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
RETURN_FILES = Source(
    spec=Dataset(
        "return_files",
        "Arquivos retorno importados",
        columns=(
            Column("file", "Arquivo", "int"),
            Column("agent", "Agente"),
            Column("filename", "Nome"),
            Column("nsa", "NSA", "int"),
            Column("generated_on", "Gerado em", "date"),
            Column("imported_on", "Importado em", "date"),
            Column("records", "Registros", "int"),
            Column("applied", "Baixados", "int"),
            Column("in_review", "Em análise", "int"),
            Column("declared", "Total declarado (R$)", "money"),
            Column("in_system", "Total dos pagamentos (R$)", "money"),
            Column("settled", "Total baixado (R$)", "money"),
            Column("fees", "Tarifas (R$)", "money"),
        ),
        filters=(
            *_period("imported", "Importação", "created_at__date"),
            _f("agent", "Agente arrecadador (código)", FilterKind.TEXT, "agent__code"),
        ),
    ),
    base=lambda: ReturnFile.objects.filter(duplicate_of__isnull=True),
    paths={
        "file": "id",
        "agent": "agent__code",
        "filename": "filename",
        "nsa": "sequence",
        "generated_on": "generated_on",
        "imported_on": TruncDate("created_at"),
        "records": "payment_count",
        "applied": "applied_count",
        "in_review": "review_count",
        "declared": "total",
        "in_system": Coalesce(_payments_total(), ZERO),
        "settled": Coalesce(_payments_total("applied"), ZERO),
        "fees": "fee_total",
    },
)

# --- F4: direct debit -------------------------------------------------------------------------

DD_AUTHORIZATIONS = Source(
    spec=Dataset(
        "dd_authorizations",
        "Autorizações de débito automático",
        columns=(
            Column("account_number", "Matrícula"),
            Column("bank", "Banco"),
            Column("branch", "Agência"),
            Column("auth_status", "Situação"),
            Column("origin", "Origem"),
            Column("opted_on", "Opção em", "date"),
        ),
        filters=(
            _f(
                "auth_status",
                "Situação",
                FilterKind.TEXT,
                "status",
                choices=tuple(DirectDebitAuthorization.Status.choices),
            ),
            _f("bank", "Banco (código)", FilterKind.TEXT, "agreement__agent__code"),
        ),
    ),
    base=lambda: DirectDebitAuthorization.objects.all(),
    paths={
        "account_number": "property__account_number",
        "bank": "agreement__agent__code",
        "branch": "branch",
        "auth_status": "status",
        "origin": "origin",
        "opted_on": "opted_on",
    },
    labels={
        "auth_status": dict(DirectDebitAuthorization.Status.choices),
        "origin": dict(DirectDebitAuthorization.Origin.choices),
    },
)

DD_RETURNS = Source(
    spec=Dataset(
        "dd_return_records",
        "Ocorrências dos retornos de débito automático",
        columns=(
            Column("file", "Retorno", "int"),
            Column("line", "Linha", "int"),
            Column("customer_id", "Identificação"),
            Column("code", "Código do banco"),
            Column("outcome", "Resultado"),
            Column("detail", "Motivo"),
            Column("on", "Data", "date"),
            Column("amount", "Valor (R$)", "money"),
        ),
        filters=(*_period("on", "Data", "on"), _f("outcome", "Resultado", FilterKind.TEXT, "outcome")),
    ),
    base=lambda: DirectDebitReturnRecord.objects.all(),
    paths={
        "file": "return_file_id",
        "line": "line",
        "customer_id": "customer_id",
        "code": "code",
        "outcome": "outcome",
        "detail": "detail",
        "on": "on",
        "amount": "amount",
    },
    labels={"outcome": dict(DirectDebitReturnRecord.Outcome.choices)},
)

# --- F5: the register -------------------------------------------------------------------------


def _has_connection(kind: str) -> Exists:
    return Exists(
        ServiceConnection.objects.filter(property_id=OuterRef("pk"), kind=kind).exclude(situation="potential")
    )


def _situation(kind: str) -> Subquery:
    return Subquery(
        ServiceConnection.objects.filter(property_id=OuterRef("pk"), kind=kind)
        .order_by("-since")
        .values("situation")[:1]
    )


def _last_reading(field_name: str) -> Subquery:
    return Subquery(
        Reading.objects.filter(property_id=OuterRef("pk"))
        .order_by("-reference", "-id")
        .values(field_name)[:1]
    )


PROPERTY_STATUS = tuple(Property.Status.choices)
PROPERTIES = Source(
    spec=Dataset(
        "properties",
        "Cadastro de imóveis (unidades de consumo)",
        columns=(
            Column("account_number", "Matrícula"),
            Column("inscription", "Inscrição"),
            Column("holder", "Cliente"),
            Column("street", "Logradouro"),
            Column("number", "Número"),
            Column("neighbourhood", "Bairro"),
            Column("group", "Grupo", "int"),
            Column("route", "Rota", "int"),
            Column("category", "Categoria"),
            Column("economies", "Economias", "int"),
            Column("property_status", "Situação"),
            Column("special", "Cliente especial"),
            Column("water", "Ligação de água"),
            Column("sewer", "Ligação de esgoto"),
            Column("last_reference", "Última leitura (ref.)", "month"),
            Column("last_read_on", "Data da leitura", "date"),
            Column("last_consumption", "Consumo (m³)", "int"),
        ),
        filters=(
            _f("group", "Grupo de faturamento", FilterKind.INT, "billing_group__code"),
            _f("route", "Rota", FilterKind.INT, "route__code"),
            _f("category", "Categoria principal", FilterKind.TEXT, "=category"),
            _f("property_status", "Situação", FilterKind.TEXT, "status", choices=PROPERTY_STATUS),
            _f(
                "special",
                "Cliente especial",
                FilterKind.TEXT,
                "special",
                choices=tuple(Property.Special.choices)[1:],
            ),
            _f("has_sewer", "Com ligação de esgoto", FilterKind.BOOL, "@has_sewer"),
            _f("special_rule", "Com regra de faturamento diferenciada", FilterKind.BOOL, "@special_rule"),
            _f("exempt", "Com isenção vigente", FilterKind.BOOL, "@exempt"),
            *_period("created", "Cadastrado", "created_at__date"),
        ),
    ),
    base=lambda: Property.objects.all(),
    paths={
        "account_number": "account_number",
        "inscription": "inscription",
        "holder": Coalesce(_holder_name("pk"), Value("–")),
        "street": "street__name",
        "number": "number",
        "neighbourhood": "neighbourhood__name",
        "group": "billing_group__code",
        "route": "route__code",
        "category": Coalesce(_main_category("pk"), Value("–")),
        "economies": "economies_total",
        "property_status": "status",
        "special": "special",
        "water": Coalesce(_situation("water"), Value("–")),
        "sewer": Coalesce(_situation("sewer"), Value("–")),
        "last_reference": _last_reading("reference"),
        "last_read_on": _last_reading("read_on"),
        "last_consumption": _last_reading("consumption_m3"),
    },
    predicates={
        "has_sewer": lambda v: Q(_has_sewer=True) if v else Q(_has_sewer=False),
        "special_rule": lambda v: Q(_special_rule=v),
        "exempt": lambda v: Q(_exempt=True) if v else Q(_exempt=False),
    },
    labels={
        "property_status": dict(PROPERTY_STATUS),
        "special": dict(Property.Special.choices),
        "water": SITUATIONS,
        "sewer": SITUATIONS,
    },
)


def _properties_base() -> QuerySet[Any]:
    from modules.billing.models_exemptions import TariffExemption

    month = _today().replace(day=1)
    in_force = TariffExemption.objects.filter(property_id=OuterRef("pk"), valid_from__lte=month).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=month)
    )
    special = PropertyCategory.objects.filter(property_id=OuterRef("pk"), usage_plan__isnull=False)
    return Property.objects.annotate(
        _has_sewer=_has_connection("sewer"), _exempt=Exists(in_force), _special_rule=Exists(special)
    )


PROPERTIES = Source(
    PROPERTIES.spec, _properties_base, PROPERTIES.paths, PROPERTIES.predicates, PROPERTIES.labels
)

# --- F6: data quality (exception lists) -------------------------------------------------------


def _duplicate_meters() -> QuerySet[Any]:
    live = Installation.objects.filter(removed_on__isnull=True)
    twice = (
        live.values("meter_id").annotate(n=Count("connection__property_id", distinct=True)).filter(n__gt=1)
    )
    return live.filter(meter_id__in=twice.values("meter_id"))


DQ_METERS = Source(
    spec=Dataset(
        "dq_duplicate_meters",
        "Hidrômetros instalados em mais de um imóvel",
        columns=(
            Column("meter", "Hidrômetro"),
            Column("account_number", "Matrícula"),
            Column("installed_on", "Instalado em", "date"),
        ),
        filters=(),
    ),
    base=_duplicate_meters,
    paths={
        "meter": "meter__number",
        "account_number": "connection__property__account_number",
        "installed_on": "installed_on",
    },
)


def _duplicate_registrations() -> QuerySet[Any]:
    twice = (
        Property.objects.exclude(municipal_registration="")
        .values("municipal_registration")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return Property.objects.filter(municipal_registration__in=twice.values("municipal_registration"))


DQ_LOCATIONS = Source(
    spec=Dataset(
        "dq_duplicate_locations",
        "Inscrição imobiliária municipal repetida em mais de um imóvel",
        columns=(
            Column("municipal_registration", "Inscrição imobiliária"),
            Column("account_number", "Matrícula"),
            Column("inscription", "Inscrição (setor/quadra/lote)"),
        ),
        filters=(),
    ),
    base=_duplicate_registrations,
    paths={
        "municipal_registration": "municipal_registration",
        "account_number": "account_number",
        "inscription": "inscription",
    },
)


def _duplicate_customers() -> QuerySet[Any]:
    twice = (
        Customer.objects.exclude(name_search="").values("name_search").annotate(n=Count("id")).filter(n__gt=1)
    )
    return Customer.objects.filter(name_search__in=twice.values("name_search"))


DQ_CUSTOMERS = Source(
    spec=Dataset(
        "dq_duplicate_customers",
        "Clientes com o mesmo nome (possível cadastro em duplicidade)",
        columns=(
            Column("name_key", "Nome (normalizado)"),
            Column("customer", "Cliente", "int"),
            Column("name", "Nome"),
            Column("document", "CPF/CNPJ"),
        ),
        filters=(),
    ),
    base=_duplicate_customers,
    paths={
        "name_key": "name_search",
        "customer": "id",
        "name": "name",
        "document": Coalesce("cpf_cnpj", Value("–")),
    },
)

# --- F7/F8: collection pipeline and dívida ativa ----------------------------------------------

NOTICES = Source(
    spec=Dataset(
        "cut_notices",
        "Avisos de débito e de corte",
        columns=(
            Column("notice", "Aviso", "int"),
            Column("account_number", "Matrícula"),
            Column("notice_kind", "Tipo"),
            Column("notice_status", "Situação"),
            Column("issued_on", "Emitido em", "date"),
            Column("delivered_on", "Entregue em", "date"),
            Column("cut_from", "Corte a partir de", "date"),
            Column("closed_on", "Encerrado em", "date"),
            Column("bills", "Contas", "int"),
            Column("amount", "Valor (R$)", "money"),
        ),
        filters=(
            *_period("issued", "Emissão", "issued_on"),
            _f("notice_kind", "Tipo", FilterKind.TEXT, "kind", choices=tuple(CutNotice.Kind.choices)),
            _f(
                "notice_status",
                "Situação",
                FilterKind.TEXT,
                "status",
                choices=tuple(CutNotice.Status.choices),
            ),
            _f("eligible", "Somente aptos ao corte", FilterKind.BOOL, "@eligible"),
        ),
    ),
    base=lambda: CutNotice.objects.all(),
    paths={
        "notice": "id",
        "account_number": "property__account_number",
        "notice_kind": "kind",
        "notice_status": "status",
        "issued_on": "issued_on",
        "delivered_on": "delivered_on",
        "cut_from": "cut_from",
        "closed_on": "closed_on",
        "bills": "bills",
        "amount": "amount",
    },
    predicates={
        "eligible": lambda v: (
            Q(kind="cut", status="pending", property__cut_order_allowed=True, cut_from__lte=_today())
            if v
            else ~Q(kind="cut", status="pending", property__cut_order_allowed=True, cut_from__lte=_today())
        )
    },
    labels={"notice_kind": dict(CutNotice.Kind.choices), "notice_status": dict(CutNotice.Status.choices)},
)


def _today() -> dt.date:
    from modules.common.clock import tenant_today

    return tenant_today()


BUREAU = Source(
    spec=Dataset(
        "bureau_records",
        "Inclusões e exclusões em birôs de crédito (SPC/SERASA)",
        columns=(
            Column("account_number", "Matrícula"),
            Column("name", "Devedor"),
            Column("record_status", "Situação"),
            Column("notified_on", "Aviso prévio em", "date"),
            Column("settled_on", "Quitado em", "date"),
            Column("amount", "Valor (R$)", "money"),
        ),
        filters=(
            *_period("notified", "Aviso prévio", "notified_on"),
            _f(
                "record_status",
                "Situação",
                FilterKind.TEXT,
                "status",
                choices=tuple(BureauRecord.Status.choices),
            ),
        ),
    ),
    base=lambda: BureauRecord.objects.all(),
    paths={
        "account_number": "property__account_number",
        "name": "name",
        "record_status": "status",
        "notified_on": "notified_on",
        "settled_on": "settled_on",
        "amount": "amount",
    },
    labels={"record_status": dict(BureauRecord.Status.choices)},
)

CERTIFICATES = Source(
    spec=Dataset(
        "certificates",
        "Certidões e declarações emitidas",
        columns=(
            Column("code", "Código de autenticação"),
            Column("account_number", "Matrícula"),
            Column("certificate_kind", "Documento"),
            Column("year", "Ano", "int"),
            Column("issued_on", "Emitida em", "date"),
            Column("issued_by", "Emitida por"),
        ),
        filters=(
            *_period("issued", "Emissão", "issued_on"),
            _f(
                "certificate_kind",
                "Documento",
                FilterKind.TEXT,
                "kind",
                choices=tuple(Certificate.Kind.choices),
            ),
        ),
    ),
    base=lambda: Certificate.objects.all(),
    paths={
        "code": "code",
        "account_number": "property__account_number",
        "certificate_kind": "kind",
        "year": "year",
        "issued_on": "issued_on",
        "issued_by": "issued_by",
    },
    labels={"certificate_kind": dict(Certificate.Kind.choices)},
)

ACTIVE_DEBT = Source(
    spec=Dataset(
        "active_debt_entries",
        "Inscrições em dívida ativa",
        columns=(
            Column("book", "Livro", "int"),
            Column("page", "Folha", "int"),
            Column("sequence", "Sequência", "int"),
            Column("account_number", "Matrícula"),
            Column("debtor", "Devedor"),
            Column("bill", "Fatura", "int"),
            Column("reference", "Referência", "month"),
            Column("entry_status", "Situação"),
            Column("enrolled_on", "Inscrita em", "date"),
            Column("ended_on", "Baixada em", "date"),
            Column("principal", "Principal (R$)", "money"),
            Column("total", "Total inscrito (R$)", "money"),
        ),
        filters=(
            *_period("enrolled", "Inscrição", "enrolled_on"),
            _f("entry_status", "Situação", FilterKind.TEXT, "status", choices=tuple(EntryStatus.choices)),
        ),
    ),
    base=lambda: ActiveDebtEntry.objects.all(),
    paths={
        "book": "book__number",
        "page": "page",
        "sequence": "sequence",
        "account_number": "property__account_number",
        "debtor": "debtor_name",
        "bill": "bill_id",
        "reference": "reference",
        "entry_status": "status",
        "enrolled_on": "enrolled_on",
        "ended_on": "ended_on",
        "principal": "principal",
        "total": "total",
    },
    labels={"entry_status": dict(EntryStatus.choices)},
)

# --- F10: customer service --------------------------------------------------------------------

ATTENDANCES = Source(
    spec=Dataset(
        "attendances",
        "Atendimentos registrados",
        columns=(
            Column("protocol", "Protocolo"),
            Column("channel", "Canal"),
            Column("attendant", "Atendente"),
            Column("closing", "Encerramento"),
            Column("started_on", "Data", "date"),
        ),
        filters=(
            *_period("started", "Data", "started_at__date"),
            _f("channel", "Canal", FilterKind.TEXT, "channel", choices=tuple(Attendance.Channel.choices)),
        ),
    ),
    base=lambda: Attendance.objects.all(),
    paths={
        "protocol": "protocol",
        "channel": "channel",
        "attendant": Coalesce("attendant__username", Value("–")),
        "closing": "closing",
        "started_on": TruncDate("started_at"),
    },
    labels={"channel": dict(Attendance.Channel.choices), "closing": dict(Attendance.Closing.choices)},
)

ORDERS = Source(
    spec=Dataset(
        "service_orders",
        "Ordens de serviço",
        columns=(
            Column("order", "OS"),
            Column("service", "Serviço"),
            Column("order_status", "Situação"),
            Column("account_number", "Matrícula"),
            Column("opened_on", "Aberta em", "date"),
            Column("closed_on", "Encerrada em", "date"),
        ),
        filters=(
            *_period("opened", "Abertura", "opened_at__date"),
            _f("order_status", "Situação", FilterKind.TEXT, "status", choices=tuple(ORDER_STATUS_CHOICES)),
            _f("service", "Serviço (código)", FilterKind.TEXT, "code__code"),
        ),
    ),
    base=lambda: ServiceOrder.objects.all(),
    paths={
        "order": "number",
        "service": Coalesce("code__description", Value("–"), output_field=CharField()),
        "order_status": "status",
        "account_number": Coalesce("property__account_number", Value("–")),
        "opened_on": TruncDate("opened_at"),
        "closed_on": TruncDate("closed_at"),
    },
    labels={"order_status": dict(ORDER_STATUS_CHOICES)},
)

CAMPAIGN_CALLS = Source(
    spec=Dataset(
        "campaign_targets",
        "Ligações das campanhas telefônicas",
        columns=(
            Column("campaign", "Campanha"),
            Column("account_number", "Matrícula"),
            Column("outcome", "Resultado"),
            Column("answer", "Resposta"),
            Column("attempts", "Tentativas", "int"),
        ),
        filters=(
            _f(
                "outcome",
                "Resultado",
                FilterKind.TEXT,
                "outcome",
                choices=tuple(CampaignTarget.Outcome.choices),
            ),
            _f(
                "campaign_kind",
                "Tipo de campanha",
                FilterKind.TEXT,
                "campaign__kind",
                choices=tuple(Campaign.Kind.choices),
            ),
        ),
    ),
    base=lambda: CampaignTarget.objects.all(),
    paths={
        "campaign": "campaign__name",
        "account_number": "property__account_number",
        "outcome": "outcome",
        "answer": "answer",
        "attempts": "attempts",
    },
    labels={"outcome": dict(CampaignTarget.Outcome.choices)},
)

# --- F11: consumption history -----------------------------------------------------------------

READINGS = Source(
    spec=Dataset(
        "readings",
        "Histórico de consumo (leituras)",
        columns=(
            Column("account_number", "Matrícula"),
            Column("reference", "Referência", "month"),
            Column("group", "Grupo", "int"),
            Column("consumption_kind", "Tipo de consumo"),
            Column("range", "Faixa de consumo"),
            Column("consumption_m3", "Consumo (m³)", "int"),
        ),
        filters=(
            *_period("reference", "Referência", "reference"),
            _f("group", "Grupo de faturamento", FilterKind.INT, "property__billing_group__code"),
        ),
    ),
    base=lambda: Reading.objects.all(),
    paths={
        "account_number": "property__account_number",
        "reference": "reference",
        "group": "property__billing_group__code",
        "consumption_kind": "consumption_kind",
        "range": Case(
            *[
                When(consumption_m3__gte=lo, consumption_m3__lte=hi, then=Value(label))
                for lo, hi, label in RANGES
            ],
            default=Value("acima de 50 m³"),
            output_field=CharField(),
        ),
        "consumption_m3": "consumption_m3",
    },
    labels={"consumption_kind": dict(CONSUMPTION_KINDS)},
)

SOURCES: dict[str, Source] = {
    s.spec.name: s
    for s in (
        BILL_ITEMS,
        BILLS,
        BILL_NOTES,
        PAYMENTS,
        RETURN_FILES,
        DD_AUTHORIZATIONS,
        DD_RETURNS,
        PROPERTIES,
        DQ_METERS,
        DQ_LOCATIONS,
        DQ_CUSTOMERS,
        NOTICES,
        BUREAU,
        CERTIFICATES,
        ACTIVE_DEBT,
        ATTENDANCES,
        ORDERS,
        CAMPAIGN_CALLS,
        READINGS,
    )
}
_ = CollectingAgent  # the agent's code is the payments' and files' "agent" column
