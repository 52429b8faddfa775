"""Staff pages of collection's settings ("Agentes, acréscimos e índices", function
`collection.settings`): collecting agents, index series with their monthly rates (typed or the
Central Bank's CSV), late-charge policy versions. Each page shows who changed what and when."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.common.selectors import change_history

from . import agents, index_rates, late_charge_policies
from .domain.late_charges import late_charges
from .forms import (
    AgentForm,
    IndexCsvForm,
    IndexRateForm,
    IndexSeriesForm,
    LateChargeSimulationForm,
    PolicyVersionForm,
)
from .models import CollectingAgent, IndexSeries, LateChargePolicyVersion
from .policies import late_charge_rule

FUNCTION = "collection.settings"
HUNDRED = Decimal(100)
OUTCOMES = {
    "created": "registrada",
    "changed": "alterada",
    "corrected": "corrigida (nova versão)",
    "unchanged": "sem mudança",
}


def _plain_percent(rate: Decimal) -> Decimal:
    """0.020000 → 2 (not 2.0000, nor 2E+0): the form shows the percent as people write it."""
    value = (Decimal(rate) * HUNDRED).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _can_change(request: HttpRequest) -> bool:
    return bool(request.user.can(FUNCTION, "change"))  # type: ignore[union-attr]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _fail(form: Any, exc: DomainError, fields: dict[str, str] | None = None) -> None:
    """The service's error on its form field (the API's name mapped to the form's), else on top."""
    name = (fields or {}).get(exc.field or "", exc.field or "")
    form.add_error(name if name in form.fields else None, exc.message)


@function_required(FUNCTION)
def agents_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "collection/settings/agents.html",
        {
            "agents": agents.agent_list(),
            "can_change": _can_change(request),
            "history": change_history(object_types=["collection.collectingagent"]),
        },
    )


AGENT_FORM_FIELDS = {"agreement": "agreement_code", "channel": "kind", "fee": "fee_per_payment",
                     "contract": "contract_number"}  # fmt: skip


@function_required(FUNCTION, "add")
def agent_create_view(request: HttpRequest) -> HttpResponse:
    form = AgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            agent = agents.agent_create(actor=request.user, **data)
        except DomainError as exc:
            _fail(form, exc, AGENT_FORM_FIELDS)
        else:
            agreement = f"convênio {agent.agreement_code}" if agent.agreement_code else "qualquer convênio"
            messages.success(
                request,
                f"Agente {agent} cadastrado. Arquivos retorno do banco {agent.code} com {agreement} "
                "já podem ser importados.",
            )
            return redirect("collection:settings_agents")
    return render(
        request,
        "collection/settings/agent_form.html",
        {"form": form, "agent": None, "can_change": True},
        status=400 if request.method == "POST" else 200,
    )


@function_required(FUNCTION)
def agent_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    agent = get_object_or_404(CollectingAgent, pk=pk)
    can_change = _can_change(request)
    initial = {
        name: getattr(agent, name) for name in ("code", *agents.FIELDS, "contract_start", "contract_end")
    }
    form = AgentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        toggle = request.POST.get("toggle")
        try:
            if toggle in ("disable", "enable"):
                agents.agent_update(actor=request.user, agent_id=agent.pk, active=toggle == "enable")
                state = (
                    "reativado: seus arquivos retorno voltam a ser aceitos."
                    if toggle == "enable"
                    else "desativado: seus arquivos retorno serão recusados; os pagamentos ficam."
                )
                messages.success(request, f"Agente {agent} {state}")
                return redirect("collection:settings_agents")
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
                agents.agent_update(actor=request.user, agent_id=agent.pk, **data)
                messages.success(request, f"Agente {agent.code} alterado.")
                return redirect("collection:settings_agents")
        except DomainError as exc:
            _fail(form, exc, AGENT_FORM_FIELDS)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "collection/settings/agent_form.html",
        {
            "form": form,
            "agent": agent,
            "can_change": can_change,
            "history": change_history(object_types=["collection.collectingagent"], object_id=agent.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required(FUNCTION)
def indexes_view(request: HttpRequest) -> HttpResponse:
    today = YearMonth.of(tenant_today())
    rows = []
    for series in index_rates.series_list():
        months = index_rates.series_months(series, first=today.plus(-2), last=today)
        rows.append(
            {
                "series": series,
                "months": months,
                "provisional": index_rates.percent_label(series.provisional_rate),
            }
        )
    return render(
        request,
        "collection/settings/indexes.html",
        {
            "rows": rows,
            "history": change_history(object_types=["collection.indexseries", "collection.indexrate"]),
        },
    )


@function_required(FUNCTION)
def index_view(request: HttpRequest, code: str) -> HttpResponse:
    series = get_object_or_404(IndexSeries, code=code.upper())
    can_change = _can_change(request)
    action = request.POST.get("form", "") if request.method == "POST" else ""
    rate_form = IndexRateForm(request.POST if action == "rate" else None, prefix="rate")
    csv_form = IndexCsvForm(
        request.POST if action == "csv" else None, request.FILES if action == "csv" else None, prefix="csv"
    )
    series_form = IndexSeriesForm(
        request.POST if action == "series" else None,
        prefix="series",
        initial={
            "name": series.name,
            "provisional_percent": _plain_percent(series.provisional_rate),
            "sgs_code": series.sgs_code,
        },
    )
    problems: list[str] = []
    if action and not can_change:
        return _forbidden(request)
    if action == "rate" and rate_form.is_valid():
        data = rate_form.cleaned_data
        try:
            month = YearMonth.parse(data["month"])
        except ValueError:
            rate_form.add_error("month", "Informe o mês no formato AAAA-MM (ex.: 2026-10).")
        else:
            try:
                _row, outcome = index_rates.index_rate_register(
                    actor=request.user,
                    index=series.code,
                    month=month,
                    rate=data["rate_percent"] / HUNDRED,
                    provisional=data["provisional"],
                    correction=data["correction"],
                    reason=data["reason"],
                )
            except DomainError as exc:
                _fail(rate_form, exc, {"rate": "rate_percent"})
            else:
                done = OUTCOMES[outcome]
                messages.success(request, f"Taxa {series.code} de {month.label} {done}.")
                return redirect("collection:settings_index", series.code)
    elif action == "csv" and csv_form.is_valid():
        upload = csv_form.cleaned_data["file"]
        try:
            result = index_rates.index_rates_import_csv(
                actor=request.user,
                index=series.code,
                data=upload.read(),
                filename=upload.name or "",
                correction=csv_form.cleaned_data["correction"],
                reason=csv_form.cleaned_data["reason"],
            )
        except DomainError as exc:
            problems = list(getattr(exc, "problems", ()))
            csv_form.add_error(None, exc.message.split(". ")[0] + "." if problems else exc.message)
        else:
            messages.success(
                request,
                f"CSV importado: {result.created} taxa(s) nova(s), {result.changed} alterada(s), "
                f"{result.corrected} corrigida(s), {result.unchanged} sem mudança.",
            )
            return redirect("collection:settings_index", series.code)
    elif action == "series" and series_form.is_valid():
        data = series_form.cleaned_data
        try:
            index_rates.index_series_update(
                actor=request.user,
                code=series.code,
                name=data["name"],
                provisional_rate=data["provisional_percent"] / HUNDRED,
                sgs_code=data["sgs_code"],
            )
        except DomainError as exc:
            _fail(series_form, exc, {"provisional_rate": "provisional_percent"})
        else:
            messages.success(request, f"Índice {series.code} alterado.")
            return redirect("collection:settings_index", series.code)
    today = YearMonth.of(tenant_today())
    span = index_rates.months_with_rows(series)
    last = max(span[1], today) if span else today
    # the page shows three years at most (a full SGS history goes back to 1986; the API lists all)
    first = max(min(span[0], today.plus(-11)) if span else today.plus(-11), last.plus(-35))
    months = index_rates.series_months(series, first=first, last=last)
    if not can_change:
        for form in (rate_form, csv_form, series_form):
            for field in form.fields.values():
                field.disabled = True
    return render(
        request,
        "collection/settings/index.html",
        {
            "series": series,
            "months": months,
            "rate_form": rate_form,
            "csv_form": csv_form,
            "series_form": series_form,
            "problems": problems,
            "can_change": can_change,
            "provisional_percent": index_rates.percent_label(series.provisional_rate),
            "history": change_history(object_types=["collection.indexseries", "collection.indexrate"]),
        },
        status=400 if action else 200,
    )


def _policy_form(data: Any = None, initial: dict[str, Any] | None = None) -> PolicyVersionForm:
    return PolicyVersionForm(
        data,
        initial=initial,
        series=[(s.code, f"{s.code} – {s.name}") for s in index_rates.series_list()],
        methods=list(LateChargePolicyVersion.Method.choices),
    )


@function_required(FUNCTION)
def policies_view(request: HttpRequest) -> HttpResponse:
    versions = list(late_charge_policies.policy_version_list())
    can_change = _can_change(request)
    current = versions[0] if versions else None
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "fine_percent": _plain_percent(current.fine_rate),
            "interest_method": current.interest_method,
            "interest_percent": _plain_percent(current.interest_rate),
            "interest_on_fine": current.interest_on_fine,
            "interest_index": current.interest_index.code if current.interest_index else "",
            "correction_index": current.correction_index.code if current.correction_index else "",
            "rounding": current.rounding,
            "accrues_from": current.accrues_from,
        }
    form = _policy_form(request.POST or None, initial)
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                version = late_charge_policies.late_charge_policy_add(
                    actor=request.user,
                    effective_from=d["effective_from"],
                    resolution=d["resolution"],
                    fine_rate=d["fine_percent"] / HUNDRED,
                    interest_method=d["interest_method"],
                    interest_rate=d["interest_percent"] / HUNDRED,
                    interest_on_fine=d["interest_on_fine"],
                    interest_index=d["interest_index"] or None,
                    correction_index=d["correction_index"] or None,
                    rounding=d["rounding"],
                    accrues_from=d["accrues_from"],
                )
            except DomainError as exc:
                _fail(form, exc, {"fine_rate": "fine_percent", "interest_rate": "interest_percent"})
            else:
                messages.success(
                    request,
                    "Nova versão da política de acréscimos em vigor a partir de "
                    f"{version.effective_from:%d/%m/%Y}.",
                )
                return redirect("collection:settings_policies")
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    today = tenant_today()
    in_force = next((v for v in versions if v.effective_from <= today), None)
    simulation = LateChargeSimulationForm(request.GET or None)
    simulated = None
    if simulation.is_valid():
        d = simulation.cleaned_data
        rule = late_charge_rule(d["paid_on"])
        simulated = late_charges(
            d["amount"],
            d["due_date"],
            d["paid_on"],
            rule.policy,
            interest_series=rule.interest_series,
            correction_series=rule.correction_series,
        )
    return render(
        request,
        "collection/settings/policies.html",
        {
            "versions": versions,
            "in_force": in_force,
            "form": form,
            "can_change": can_change,
            "last_billed": late_charge_policies.last_billed_payment(),
            "simulation": simulation,
            "simulated": simulated,
            "history": change_history(object_types=["collection.latechargepolicyversion"]),
        },
        status=400 if request.method == "POST" else 200,
    )


PIX_KIND_LABELS = {
    "cpf": "CPF",
    "cnpj": "CNPJ",
    "email": "e-mail",
    "phone": "telefone",
    "evp": "chave aleatória",
}


@function_required(FUNCTION)
def pix_view(request: HttpRequest) -> HttpResponse:
    """The PIX key the bills carry (ADR 0217, 0246): the active one, replaced by a new one."""
    from .forms import PixReceiverForm
    from .pix_bill import pix_key_kind, pix_receiver_get, pix_receiver_set

    can_change = _can_change(request)
    receiver = pix_receiver_get()
    initial = (
        {"agent": receiver.agent.code, "key": receiver.key, "merchant_name": receiver.merchant_name,
         "merchant_city": receiver.merchant_city} if receiver else {}
    )  # fmt: skip
    form = PixReceiverForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = pix_receiver_set(
                    actor=request.user,
                    agent_code=data["agent"].code,
                    key=data["key"],
                    merchant_name=data["merchant_name"],
                    merchant_city=data["merchant_city"],
                )
            except DomainError as exc:
                _fail(form, exc, {"merchant": "merchant_name"})
            else:
                messages.success(request, f"Chave Pix {saved.key} cadastrada: as próximas contas a trazem.")
                return redirect("collection:settings_pix")
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "collection/settings/pix.html",
        {
            "form": form,
            "receiver": receiver,
            "kind": PIX_KIND_LABELS[pix_key_kind(receiver.key)] if receiver else "",
            "can_change": can_change,
            "history": change_history(object_types=["collection.pixreceiver"]),
        },
        status=400 if request.method == "POST" else 200,
    )
