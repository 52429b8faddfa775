"""Staff pages around the order engine: the deadline queue by remaining time (3.2.11.23), batch
opening with a preview (3.2.11.24), the order form in its print layouts (3.2.11.1.16) and the
opening terms (3.2.11.1.18, 3.2.11.7), opening e-mails per code and sector (3.2.11.6), and
contractors with their contracts and monthly measurements (3.2.11.26)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from modules.access.scoping import scoped
from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.document_templates import template_in_force
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.common.models import DocumentTemplate
from modules.common.selectors import change_history

from . import pdf, selectors, terms
from .domain.closing import KIND_LABELS
from .models import Sector, ServiceCode, ServiceOrder, Team
from .models_orders import (
    BatchOpening,
    Contract,
    Contractor,
    ContractorTeam,
    InventoryRequest,
    Measurement,
    OpeningNotice,
    OrderClosingData,
    OrderTerm,
)
from .orders_forms import (
    BatchForm,
    ContractForm,
    ContractorForm,
    ContractorMemberForm,
    ContractorTeamForm,
    MeasureForm,
    TermTemplateForm,
)
from .services import batch, contractors, opening_settings
from .services.orders import ORDER_SCOPE_PATHS

CONTRACTOR_TYPES = ["service.contractor", "service.contract"]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _fail(form: forms.Form, exc: DomainError) -> None:
    field = (exc.field or "").split(".")[0].split("[")[0]
    form.add_error(field if field in form.fields else None, exc.message)


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- the order page's extra blocks -----------------------------------------------------------------


def order_extra(order: ServiceOrder) -> dict[str, Any]:
    """What the order page shows besides the engine: print layouts, terms, the inventory reservation
    and the quality inspections."""
    return {
        "print_layouts": pdf.layouts_of(order),
        "terms": list(order.terms.all()),
        "inventory": InventoryRequest.objects.filter(order=order).first(),
        "inspections": list(order.inspections.select_related("team", "rework")),
        "closing_fields": opening_settings.closing_fields_of(order.code_id),
        "closing_data": OrderClosingData.objects.filter(order=order).first(),
    }


def closing_values(request: HttpRequest, order: ServiceOrder) -> dict[str, str]:
    """The code's own closing fields as typed on the order page (inputs `closing-<name>`)."""
    return {
        f.name: request.POST.get(f"closing-{f.name}", "")
        for f in opening_settings.closing_fields_of(order.code_id)
    }


@function_required("service.orders")
def order_form_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(
        ServiceOrder.objects.select_related("code", "code__kit", "property", "team", "sector", "vehicle"),
        pk=pk,
    )
    layout = request.GET.get("layout") or pdf.layouts_of(order)[0]
    try:
        body = pdf.order_form_pdf(order, layout)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return _pdf(body, f"os-{order.year}-{order.number:06d}.pdf")


@function_required("service.orders")
def order_term_pdf_view(request: HttpRequest, pk: int, term: int) -> HttpResponse:
    row = get_object_or_404(
        OrderTerm.objects.select_related("order", "order__code", "order__property"), pk=term, order_id=pk
    )
    return _pdf(pdf.term_pdf(row), f"termo-os-{row.order.year}-{row.order.number:06d}.pdf")


# --- deadline queue --------------------------------------------------------------------------------


@function_required("service.orders")
def deadline_queue_view(request: HttpRequest) -> HttpResponse:
    """Open orders by remaining time, the overdue first; time left in the code's unit."""
    now = timezone.now()
    q = request.GET
    team, sector, code = q.get("team", ""), q.get("sector", ""), q.get("code", "")
    qs = selectors.order_queue(
        now=now,
        team_id=int(team) if team.isdigit() else None,
        sector_id=int(sector) if sector.isdigit() else None,
        code=code,
        by_remaining=True,
    )
    qs = scoped(qs, request.user, "service.orders", ORDER_SCOPE_PATHS)
    page, size = page_of(request, qs)
    rows = list(page)
    return render(
        request,
        "service/orders/deadline_queue.html",
        {
            "page": page,
            "rows": selectors.queue_rows(rows, now),
            "labels": selectors.remaining_in_unit(rows, now),
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": urlencode({"team": team, "sector": sector, "code": code}),
            "teams": Team.objects.all(),
            "sectors": Sector.objects.all(),
            "codes": ServiceCode.objects.all(),
            "team": team,
            "sector": sector,
            "code": code,
        },
    )


# --- batch opening ---------------------------------------------------------------------------------


def batch_filters(data: dict[str, Any]) -> batch.BatchFilters:
    return batch.BatchFilters(
        status=data.get("status") or "",
        category=data["category"].code if data.get("category") else "",
        meter_diameter_mm=data.get("meter_diameter_mm"),
        meter_model=data.get("meter_model") or "",
        meter_installed_before=data.get("meter_installed_before"),
        meter_manufactured_until=data.get("meter_manufactured_until"),
        billing_group=data["billing_group"].code if data.get("billing_group") else None,
        route_from=data.get("route_from"),
        route_to=data.get("route_to"),
        neighbourhood_id=data["neighbourhood"].pk if data.get("neighbourhood") else None,
        street_id=data["street"].pk if data.get("street") else None,
        min_overdue_bills=data.get("min_overdue_bills"),
        consumption_min=data.get("consumption_min"),
        consumption_max=data.get("consumption_max"),
        skip_open=bool(data.get("skip_open")),
    )


@function_required("service.orders", "add")
def batch_view(request: HttpRequest) -> HttpResponse:
    """Filters → preview (count and first rows, nothing written) → confirm. The preview carries a
    batch key; confirming twice (a re-submitted form) opens the batch once."""
    action = request.POST.get("action", "")
    form = BatchForm(request.POST or None, initial={"skip_open": True})
    preview = None
    key = request.POST.get("key") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        filters = batch_filters(form.cleaned_data)
        code = form.cleaned_data["code"].code
        try:
            if action == "confirm":
                result = batch.batch_open(
                    actor=request.user,
                    key=key,
                    code=code,
                    filters=filters,
                    today=tenant_today(),
                    description=form.cleaned_data["description"],
                )
                if result.created:
                    messages.success(request, f"Lote aberto: {result.batch.count} ordem(ns) de serviço.")
                else:
                    messages.info(request, "Este lote já tinha sido aberto; nenhuma ordem nova.")
                return redirect("service:batch", result.batch.pk)
            preview = batch.batch_preview(code=code, filters=filters, today=tenant_today())
        except DomainError as exc:
            _fail(form, exc)
    return render(
        request,
        "service/orders/batch.html",
        {
            "form": form,
            "preview": preview,
            "key": key,
            "batches": BatchOpening.objects.select_related("code")[:10],
            "limit": batch.MAX_BATCH,
        },
        status=400 if form.errors else 200,
    )


@function_required("service.orders")
def batch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(BatchOpening.objects.select_related("code"), pk=pk)
    items = row.items.select_related("order", "order__property", "order__code").order_by("order__number")
    page, size = page_of(request, items)
    return render(
        request,
        "service/orders/batch_detail.html",
        {"b": row, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "query": ""},
    )


# --- opening notices (e-mail) ----------------------------------------------------------------------


@function_required("service.codes")
def notices_view(request: HttpRequest) -> HttpResponse:
    can_change = request.user.can("service.codes", "change")  # type: ignore[union-attr]
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        try:
            if request.POST.get("action") == "codes":
                chosen = set(request.POST.getlist("codes"))
                for code in ServiceCode.objects.order_by("code"):
                    current = OpeningNotice.objects.filter(code=code, is_active=True).exists()
                    if (code.code in chosen) != current:
                        opening_settings.opening_notice_set(
                            actor=request.user, code=code.code, active=code.code in chosen
                        )
                messages.success(request, "Códigos que avisam na abertura gravados.")
            elif request.POST.get("action") == "sector":
                opening_settings.sector_recipients_set(
                    actor=request.user,
                    sector_id=int(request.POST.get("sector", "0") or 0),
                    emails=request.POST.get("emails", "").replace(",", "\n").splitlines(),
                )
                messages.success(request, "Destinatários do setor gravados.")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("service:notices")
        return redirect("service:notices")
    active = set(OpeningNotice.objects.filter(is_active=True).values_list("code__code", flat=True))
    sectors = Sector.objects.prefetch_related("recipients")
    return render(
        request,
        "service/orders/notices.html",
        {
            "codes": [
                (c, c.code in active) for c in ServiceCode.objects.select_related("sector").order_by("code")
            ],
            "sectors": [(s, "\n".join(r.email for r in s.recipients.all())) for s in sectors],
            "can_change": can_change,
            "history": change_history(object_types=["service.servicecode", "service.sector"], limit=20),
        },
    )


# --- opening terms ---------------------------------------------------------------------------------


@function_required("service.codes")
def terms_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "service/orders/terms.html",
        {
            "terms": terms.terms_in_use(tenant_today()),
            "history": change_history(
                object_types=["common.documenttemplate"], limit=20, kind_prefix=terms.PREFIX
            ),
        },
    )


@function_required("service.codes")
@require_http_methods(["GET", "POST"])
def term_edit_view(request: HttpRequest, kind: str) -> HttpResponse:
    name = terms.term_name(kind)
    if name is None:
        raise Http404
    today = tenant_today()
    can_change = request.user.can("service.codes", "change")  # type: ignore[union-attr]
    if request.method == "POST" and not can_change:
        return _forbidden(request)
    version = template_in_force(kind, today)
    form = TermTemplateForm(
        request.POST or None,
        initial={
            "valid_from": today,
            "title": version.title if version else name,
            "body_html": version.body_html if version else terms.DEFAULT_BODY,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            opening_settings.term_template_create(
                actor=request.user, kind=kind, today=today, **form.cleaned_data
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"Nova versão do termo “{name}” salva.")
            return redirect("service:terms")
    return render(
        request,
        "service/orders/term_edit.html",
        {
            "name": name,
            "kind": kind,
            "form": form,
            "in_force": version,
            "placeholders": terms.PLACEHOLDERS,
            "versions": DocumentTemplate.objects.filter(kind=kind).order_by("-valid_from"),
            "can_change": can_change,
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("service.codes")
@xframe_options_sameorigin
@require_http_methods(["GET", "POST"])
def term_preview_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The term's real PDF with invented data and the posted text (GET: the text in force)."""
    name = terms.term_name(kind)
    if name is None:
        raise Http404
    if request.method == "POST":
        title, body = request.POST.get("title", ""), request.POST.get("body_html", "")
    else:
        version = template_in_force(kind, tenant_today())
        title = version.title if version else name
        body = version.body_html if version else terms.DEFAULT_BODY
    try:
        opening_settings.term_check(title=title, body_html=body)
    except DomainError as exc:
        refused = render(request, "debt/template_preview_error.html", {"error": exc}, status=400)
        refused["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
        )
        return refused
    response = _pdf(pdf.term_preview_pdf(title, body), "previa-termo.pdf")
    response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


# --- contractors -----------------------------------------------------------------------------------


@function_required("service.contractors")
def contractors_view(request: HttpRequest) -> HttpResponse:
    which = request.POST.get("action", "")
    forms_by_action: dict[str, forms.Form] = {
        "contractor": ContractorForm(request.POST if which == "contractor" else None, prefix="contractor"),
        "team": ContractorTeamForm(request.POST if which == "team" else None, prefix="team"),
        "member": ContractorMemberForm(request.POST if which == "member" else None, prefix="member"),
        "contract": ContractForm(request.POST if which == "contract" else None, prefix="contract"),
    }
    if request.method == "POST":
        if not request.user.can("service.contractors", "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        form = forms_by_action.get(which)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                if which == "contractor":
                    contractors.contractor_create(actor=request.user, **data)
                elif which == "team":
                    contractors.contractor_team_create(
                        actor=request.user,
                        contractor_id=data["contractor"].pk,
                        name=data["name"],
                        sector=data["sector"],
                        special=data["special"],
                    )
                elif which == "member":
                    contractors.contractor_member_add(
                        actor=request.user,
                        team_id=data["team"],
                        name=data["name"],
                        cpf=data["cpf"],
                        role=data["role"],
                    )
                else:
                    row = contractors.contract_create(
                        actor=request.user,
                        contractor_id=data["contractor"].pk,
                        number=data["number"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                        pricing=data["pricing"],
                        monthly_value=data["monthly_value"] or 0,
                        prices=data["prices"],
                        penalty_per_day=data["penalty_per_day"] or 0,
                        late_threshold_percent=data["late_threshold_percent"] or 0,
                        late_penalty_percent=data["late_penalty_percent"] or 0,
                    )
                    messages.success(request, f"Contrato {row.number} incluído.")
                    return redirect("service:contract", row.pk)
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, "Registro incluído.")
                return redirect("service:contractors")
    companies = Contractor.objects.prefetch_related("teams__team", "teams__members", "contracts")
    return render(
        request,
        "service/orders/contractors.html",
        {
            "contractors": companies,
            "forms": forms_by_action,
            "can_add": request.user.can("service.contractors", "add"),  # type: ignore[union-attr]
            "history": change_history(object_types=CONTRACTOR_TYPES, limit=20),
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("service.contractors")
def contract_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("contractor"), pk=pk)
    form = MeasureForm(request.POST or None, initial={"month": str(YearMonth.of(tenant_today()).previous())})
    if request.method == "POST":
        if not request.user.can("service.contractors", "change"):  # type: ignore[union-attr]
            return _forbidden(request)
        if form.is_valid():
            try:
                month = YearMonth.parse(form.cleaned_data["month"])
                row = contractors.measurement_compute(
                    actor=request.user, contract_id=contract.pk, month=month
                )
            except ValueError:
                form.add_error("month", "Mês inválido.")
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"Medição de {month.label} calculada.")
                return redirect("service:measurement", contract.pk, f"{row.month:%Y-%m}")
    return render(
        request,
        "service/orders/contract.html",
        {
            "c": contract,
            "prices": contract.prices.select_related("code"),
            "teams": ContractorTeam.objects.filter(contractor=contract.contractor).select_related("team"),
            "measurements": contract.measurements.all(),
            "form": form,
            "can_change": request.user.can("service.contractors", "change"),  # type: ignore[union-attr]
            "history": change_history(object_types=["service.contract"], object_id=contract.pk),
        },
        status=400 if form.errors else 200,
    )


def _measurement(pk: int, month: str) -> Measurement:
    try:
        ym = YearMonth.parse(month)
    except ValueError as exc:
        raise Http404 from exc
    row: Measurement = get_object_or_404(
        Measurement.objects.select_related("contract", "contract__contractor"),
        contract_id=pk,
        month=ym.first_day(),
    )
    return row


@function_required("service.contractors")
def measurement_view(request: HttpRequest, pk: int, month: str) -> HttpResponse:
    row = _measurement(pk, month)
    return render(
        request,
        "service/orders/measurement.html",
        {
            "m": row,
            "c": row.contract,
            "penalties": row.penalty_delay + row.penalty_late_share,
            "month": month,
        },
    )


@function_required("service.contractors")
def measurement_pdf_view(request: HttpRequest, pk: int, month: str) -> HttpResponse:
    row = _measurement(pk, month)
    return _pdf(pdf.measurement_pdf(row, tenant_today()), f"medicao-{row.contract.number}-{month}.pdf")


# --- the code's closing form (3.2.11.8) ------------------------------------------------------------

CLOSING_ROWS_BLANK = 3


@function_required("service.codes")
def closing_form_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The fields the code's closing asks for: one row each (name, label, kind, required, options);
    blank rows add fields, a row left without a name is dropped."""
    code = get_object_or_404(ServiceCode, pk=pk)
    can_change = request.user.can("service.codes", "change")  # type: ignore[union-attr]
    error = None
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        p = request.POST
        rows = []
        for index in range(int(p.get("rows", "0") or 0)):
            name = p.get(f"name-{index}", "").strip()
            if not name:
                continue
            rows.append(
                {
                    "name": name,
                    "label": p.get(f"label-{index}", ""),
                    "kind": p.get(f"kind-{index}", "text"),
                    "required": p.get(f"required-{index}") == "on",
                    "choices": [c.strip() for c in p.get(f"choices-{index}", "").split(";") if c.strip()],
                }
            )
        try:
            opening_settings.closing_form_set(actor=request.user, code=code.code, fields=rows)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Campos do encerramento gravados.")
            return redirect("service:closing_form", code.pk)
    fields = opening_settings.closing_fields_of(code.pk)
    rows_out = [(i, f) for i, f in enumerate(fields)] + [
        (len(fields) + i, None) for i in range(CLOSING_ROWS_BLANK)
    ]
    return render(
        request,
        "service/orders/closing_form.html",
        {
            "code": code,
            "rows": rows_out,
            "row_count": len(rows_out),
            "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
            "error": error,
            "can_change": can_change,
        },
        status=400 if error else 200,
    )


@function_required("service.orders")
def rework_view(request: HttpRequest) -> HttpResponse:
    from .orders_apis import rework_period

    try:
        start, end = rework_period(request.GET.get("from"), request.GET.get("to"))
        error = None
    except DomainError as exc:
        start, end = rework_period(None, None)
        error = exc.message
    return render(
        request,
        "service/orders/rework.html",
        {"rows": selectors.rework_stats(start, end), "start": start, "end": end, "error": error},
        status=400 if error else 200,
    )
