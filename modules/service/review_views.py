"""Staff pages of the consumption review (seed 001 3.2.6): the work queue by phase deadline with the
new-case form, one case with its timeline and its actions (phase, visit, rebill, closing, PDFs), the
visits agenda and the utility's review settings; and the one click that opens a case from a reading
of the review queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from modules.access.views import function_required
from modules.billing.services.rebill import BillChanges
from modules.common.clock import tenant_today, tenant_zone
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError
from modules.common.forms import form_error
from modules.common.settings_pages import settings_page
from modules.registry.models import Property

from . import review_pdf
from . import review_selectors as sel
from .domain import reviews as rules
from .review_forms import AdvanceForm, CloseForm, RebillForm, ReviewOpenForm, ReviewSettingsForm, VisitForm
from .services import reviews as svc

FUNCTION = "service.reviews"


def _denied(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


@function_required(FUNCTION)
def reviews_view(request: HttpRequest) -> HttpResponse:
    phase = request.GET.get("fase", "")
    rows = list(sel.reviews(phase=phase)[:200])
    for r in rows:
        r.phase_name = svc.phase_label(r.phase)  # type: ignore[attr-defined]
    return render(
        request,
        "service/reviews/list.html",
        {"rows": rows, "phases": svc.review_phases(), "phase": phase, "today": tenant_today()},
    )


@function_required(FUNCTION, "add")
def review_new_view(request: HttpRequest) -> HttpResponse:
    form = ReviewOpenForm(request.POST or None, initial={"origin": "customer", "channel": "counter"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        prop = Property.objects.filter(account_number=d["account_number"].strip()).first()
        if prop is None:
            form.add_error("account_number", "Matrícula não encontrada.")
        else:
            try:
                review = svc.review_open(
                    actor=request.user,
                    form=svc.ReviewForm(
                        property_id=prop.pk,
                        reference=d["reference"],
                        requester_name=d["requester_name"],
                        requester_phone=d["requester_phone"] or "",
                        requester_email=d["requester_email"] or "",
                        requested_on=d["requested_on"],
                        residents=d["residents"],
                        has_pool=d["has_pool"],
                        pool_liters=d["pool_liters"],
                        has_washing_machine=d["has_washing_machine"],
                        has_water_tank=d["has_water_tank"],
                        tank_liters=d["tank_liters"],
                        other_source=d["other_source"] or "",
                        description=d["description"],
                        origin=d["origin"],
                        channel=d["channel"],
                    ),
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request, f"Revisão {review.control} aberta (protocolo {review.protocol.protocol})."
                )
                return redirect("service:review", pk=review.pk)
    return render(request, "service/reviews/new.html", {"form": form})


@function_required("reading.readings")
def review_from_reading_view(request: HttpRequest) -> HttpResponse:
    """The review queue's button: POST only; opens the case and goes to it."""
    if request.method != "POST" or not request.user.can(FUNCTION, "add"):  # type: ignore[union-attr]
        return _denied(request)
    try:
        review = svc.review_from_reading(actor=request.user, reading_id=int(request.POST.get("reading", "0")))
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Leitura inválida."))
        return redirect("reading:review")
    messages.success(
        request, f"Revisão {review.control} aberta a partir da leitura. Complete o formulário na vistoria."
    )
    return redirect("service:review", pk=review.pk)


def _action(request: HttpRequest, pk: int, op: str, forms_: dict[str, Any]) -> bool:
    """Run one POSTed action; True when it worked (the page redirects), False to show the errors."""
    form = forms_[op]
    if not form.is_valid():
        return False
    d = form.cleaned_data
    try:
        if op == "advance":
            svc.review_advance(actor=request.user, review_id=pk, phase=d["phase"], note=d["note"])
            messages.success(request, f"Revisão em {svc.phase_label(d['phase'])}.")
        elif op == "visit":
            at = d["at"] if d["at"].tzinfo else d["at"].replace(tzinfo=tenant_zone())
            done = svc.review_visit_schedule(
                actor=request.user,
                review_id=pk,
                at=at,
                technician_id=d["technician"].pk,
                team_id=d["team"].pk if d["team"] else None,
                note=d["note"],
            )
            messages.success(request, f"Vistoria agendada; OS {done.order.label}.")
            if done.warning:
                messages.warning(request, done.warning)
        elif op == "rebill":
            out = svc.review_rebill(
                actor=request.user,
                review_id=pk,
                changes=BillChanges(
                    consumption_m3=d["consumption_m3"],
                    reading=d["reading"],
                    leak_percent=d["leak_percent"],
                    leak_by_average=d["leak_by_average"],
                ),
                reason=d["reason"],
            )
            messages.success(
                request,
                f"Conta alterada: R$ {format_brl(out.before.total)} → R$ {format_brl(out.after.total)}.",
            )
        elif op == "close":
            svc.review_close(
                actor=request.user, review_id=pk, outcome=d["outcome"], conclusion=d["conclusion"]
            )
            messages.success(request, "Revisão encerrada; o laudo segue por e-mail ao proponente.")
    except DomainError as exc:
        form_error(form, exc)
        return False
    return True


@function_required(FUNCTION)
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = sel.review(pk)
    phases = svc.review_phases()
    codes = [p.code for p in phases]
    later = phases[codes.index(review.phase) + 1 :] if review.phase in codes else phases
    post = request.POST if request.method == "POST" else None
    op = request.POST.get("op", "") if post else ""
    forms_: dict[str, Any] = {
        "advance": AdvanceForm(post if op == "advance" else None, phases=later),
        "visit": VisitForm(post if op == "visit" else None),
        "rebill": RebillForm(post if op == "rebill" else None),
        "close": CloseForm(post if op == "close" else None),
    }
    if post is not None:
        if op not in forms_ or not request.user.can(FUNCTION, "change"):  # type: ignore[union-attr]
            return _denied(request)
        if _action(request, pk, op, forms_):
            return redirect("service:review", pk=pk)
        review = sel.review(pk)
    events = list(review.events.all())
    for e in events:
        e.phase_name = svc.phase_label(e.to_phase) if e.to_phase else ""  # type: ignore[attr-defined]
    return render(
        request,
        "service/reviews/detail.html",
        {
            "review": review,
            "phase_name": svc.phase_label(review.phase),
            "events": events,
            "forms": forms_,
            "open_op": op,
            "can_change": request.user.can(FUNCTION, "change"),  # type: ignore[union-attr]
            "can_rebill": request.user.can(*svc.REBILL_FUNCTION),  # type: ignore[union-attr]
            "outcomes": rules.OUTCOME_LABELS,
        },
    )


@function_required(FUNCTION)
def review_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = sel.review(pk)
    laudo = request.GET.get("laudo") == "1"
    content = review_pdf.review_report_pdf(review) if laudo else review_pdf.review_form_pdf(review)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{'laudo' if laudo else 'revisao'}-{review.year}-{review.number:04d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@function_required(FUNCTION)
def agenda_view(request: HttpRequest) -> HttpResponse:
    start, days = sel.agenda_window(request.GET.get("inicio"), request.GET.get("dias"))
    visits = sel.agenda(start, days)
    columns = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        columns.append({"day": day, "visits": [v for v in visits if v.at.date() == day]})
    return render(
        request,
        "service/reviews/agenda.html",
        {
            "columns": columns,
            "start": start,
            "previous": start - dt.timedelta(days=days),
            "next": start + dt.timedelta(days=days),
            "days": days,
            "clashes": sum(v.clash for v in visits),
        },
    )


@function_required(FUNCTION)
def review_settings_view(request: HttpRequest) -> HttpResponse:
    """3.2.6.7: the utility's phases and deadlines, the visit's service code and length."""
    row = svc.review_settings()
    return settings_page(
        request,
        function=FUNCTION,
        form_class=ReviewSettingsForm,
        initial={
            "phases": "\n".join(f"{p.code}; {p.label}; {p.days}" for p in svc.review_phases()),
            "visit_code": row.visit_code,
            "visit_minutes": row.visit_minutes,
        },
        save=svc.review_settings_update,
        title="Revisão de consumo: fases e prazos",
        saved_message="Configuração da revisão de consumo salva.",
        redirect_to="service:review_settings",
        history_types=["service.reviewsettings"],
        help_text=(
            "As fases do processo de revisão, na ordem em que o caso anda, com o prazo de cada uma em dias "
            "corridos a partir da entrada na fase; o código de serviço da ordem de vistoria e a duração de "
            "uma vistoria na agenda."
        ),
    )
