"""Staff actions of billing on the property page (billing.panels): link and unlink a condominium's
dependents (S14.8-01), register a tariff exemption (3.2.13.10.13), print the sewer-billing notice
(3.2.13.10.7); and the page where the notice's text is edited in versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.registry.models import Property

from . import sewer_notice
from .models import BillingExceptionRow
from .services import billing_exceptions, condo, exemptions, notices


def _back(pk: int, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('registry:property', args=[pk])}#{anchor}")


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


@function_required("billing.condominiums", "add")
def property_dependents_view(request: HttpRequest, pk: int) -> HttpResponse:
    """POST op=link|unlink, dependent=<matrícula>: link or unlink a unit to this master meter."""
    master = get_object_or_404(Property, pk=pk)
    if request.method != "POST":
        return _back(master.pk, "condominio")
    op = request.POST.get("op", "link")
    if op == "unlink" and not request.user.can("billing.condominiums", "delete"):  # type: ignore[union-attr]
        return _forbidden(request)
    account = (request.POST.get("dependent") or "").strip()
    dependent = Property.objects.filter(account_number=account).first()
    if dependent is None:
        messages.error(request, f"Dependente: matrícula {account or '(vazia)'} não encontrada.")
        return _back(master.pk, "condominio")
    try:
        if op == "unlink":
            condo.dependent_unlink(actor=request.user, master_id=master.pk, dependent_id=dependent.pk)
            messages.success(request, f"Imóvel {account} desvinculado do medidor principal.")
        else:
            condo.dependent_link(actor=request.user, master_id=master.pk, dependent_id=dependent.pk)
            messages.success(request, f"Imóvel {account} vinculado como dependente.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(master.pk, "condominio")


def _month(raw: str | None) -> YearMonth | None:
    return YearMonth.parse(raw) if raw else None


@function_required("billing.exemptions", "add")
def property_exemptions_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(Property, pk=pk)
    if request.method != "POST":
        return _back(prop.pk, "isencoes")
    try:
        start = _month(request.POST.get("valid_from"))
        end = _month(request.POST.get("valid_until"))
    except ValueError:
        messages.error(request, "Referências da isenção: use o formato AAAA-MM.")
        return _back(prop.pk, "isencoes")
    if start is None:
        messages.error(request, "Informe a referência inicial da isenção.")
        return _back(prop.pk, "isencoes")
    try:
        row = exemptions.exemption_create(
            actor=request.user,
            property_id=prop.pk,
            component=request.POST.get("component", ""),
            valid_from=start,
            valid_until=end,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Isenção de {row.get_component_display()} cadastrada.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(prop.pk, "isencoes")


def _exception_params(post: Any) -> dict[str, Any]:
    """The parameter fields the form filled, typed as the service takes them."""
    out: dict[str, Any] = {}
    for name in ("volume_m3", "day"):
        raw = (post.get(name) or "").strip()
        if raw:
            out[name] = int(raw) if raw.isdigit() else raw
    if (post.get("percent") or "").strip():
        out["percent"] = post["percent"].strip().replace(",", ".")
    if (post.get("service_type") or "").strip():
        out["service_type"] = post["service_type"].strip()
    return out


@function_required("billing.exemptions", "add")
def property_billing_exceptions_view(request: HttpRequest, pk: int) -> HttpResponse:
    """POST op=create|update|remove: a billing exception of the property (S4.7, ADR 0220)."""
    prop = get_object_or_404(Property, pk=pk)
    if request.method != "POST":
        return _back(prop.pk, "excecoes")
    op = request.POST.get("op", "create")
    if op != "create" and not request.user.can("billing.exemptions", "change"):  # type: ignore[union-attr]
        return _forbidden(request)
    raw_id = request.POST.get("exception", "")
    if op != "create" and not (
        raw_id.isdigit() and BillingExceptionRow.objects.filter(pk=int(raw_id), property=prop).exists()
    ):
        messages.error(request, "Exceção de faturamento não encontrada neste imóvel.")
        return _back(prop.pk, "excecoes")
    try:
        if op == "remove":
            billing_exceptions.exception_remove(actor=request.user, exception_id=int(raw_id))
            messages.success(request, "Exceção de faturamento removida.")
            return _back(prop.pk, "excecoes")
        try:
            start = _month(request.POST.get("valid_from"))
            end = _month(request.POST.get("valid_until"))
        except ValueError:
            messages.error(request, "Referências da exceção: use o formato AAAA-MM.")
            return _back(prop.pk, "excecoes")
        if start is None:
            messages.error(request, "Informe a referência inicial da exceção.")
            return _back(prop.pk, "excecoes")
        params = _exception_params(request.POST)
        if op == "update":
            row = billing_exceptions.exception_update(
                actor=request.user,
                exception_id=int(raw_id),
                valid_from=start,
                valid_until=end,
                reason=request.POST.get("reason", ""),
                **params,
            )
            messages.success(request, f"Exceção {row.get_kind_display()} alterada.")
        else:
            row = billing_exceptions.exception_create(
                actor=request.user,
                property_id=prop.pk,
                kind=request.POST.get("kind", ""),
                valid_from=start,
                valid_until=end,
                reason=request.POST.get("reason", ""),
                **params,
            )
            messages.success(request, f"Exceção {row.get_kind_display()} cadastrada.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(prop.pk, "excecoes")


@function_required("billing.sewer_notice")
def property_sewer_notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(Property, pk=pk)
    try:
        pdf = sewer_notice.sewer_notice_pdf(prop, tenant_today())
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(prop.pk, "comunicado-esgoto")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="comunicado-esgoto-{prop.account_number}.pdf"'
    return response


@function_required("billing.sewer_notice")
def sewer_notice_texts_view(request: HttpRequest) -> HttpResponse:
    """The notice's text versions, its placeholders, and a form for a new version (or its preview)."""
    can_add = request.user.can("billing.sewer_notice", "add")  # type: ignore[union-attr]
    today = tenant_today()
    versions = notices.sewer_notice_versions()
    current = next((v for v in versions if v.valid_from <= today), None)
    data = {
        "title": request.POST.get("title", current.title if current else sewer_notice.DEFAULT_TITLE),
        "body_html": request.POST.get(
            "body_html", current.body_html if current else sewer_notice.DEFAULT_BODY
        ),
        "valid_from": request.POST.get("valid_from", f"{today:%Y-%m-%d}"),
    }
    error = ""
    if request.method == "POST":
        if not can_add:
            return _forbidden(request)
        try:
            if request.POST.get("preview"):
                notices.sewer_notice_check(title=data["title"], body_html=data["body_html"])
                return HttpResponse(
                    sewer_notice.sewer_notice_preview_pdf(data["title"], data["body_html"]),
                    content_type="application/pdf",
                )
            notices.sewer_notice_template_create(
                actor=request.user,
                valid_from=dt.date.fromisoformat(data["valid_from"]),
                title=data["title"],
                body_html=data["body_html"],
                today=today,
            )
            messages.success(request, "Nova versão do comunicado salva.")
            return redirect("billing:sewer_notice_texts")
        except ValueError:
            error = "Data de vigência inválida."
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "billing/sewer_notice_texts.html",
        {
            "versions": versions,
            "current": current,
            "placeholders": sewer_notice.PLACEHOLDERS,
            "data": data,
            "error": error,
            "can_add": can_add,
        },
        status=400 if error else 200,
    )
