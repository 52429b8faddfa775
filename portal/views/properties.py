"""A property's pages: its home with the services menu and the open-debts notice, its registry data,
the e-mail on record (change by confirmation link) and the due day."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from modules.common.clock import tenant_today
from modules.common.errors import DomainError, NotFound, PermissionDenied
from modules.common.forms import form_error

from .. import selectors, services
from ..auth import Grant
from ..forms import DueDayForm, EmailForm
from ..models import AgencySettings
from ..selectors_unit import reading_dates
from .base import citizen_required, granted_property, page_url, render_page


@require_GET
@citizen_required
def property_home(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    return render_page(
        request,
        "portal/property_home.html",
        {
            "overview": selectors.property_overview(grant, prop),
            "debts": selectors.open_debts_summary(prop),
            "collection": selectors.collection_notices(prop),
            "others": selectors.other_properties(grant, current_id=prop.pk),
            "prop": prop,
        },
    )


@require_GET
@citizen_required
def property_registry(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = granted_property(request, property_id)
    return render_page(
        request,
        "portal/property_registry.html",
        {
            "overview": selectors.property_overview(request.grant, prop),  # type: ignore[attr-defined]
            "prop": prop,
            "dates": reading_dates(prop, tenant_today()),  # 3.2.14.9
        },
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def email_change(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.email_change_request(
                grant=grant,
                prop=prop,
                new_email=form.cleaned_data["email"],
                confirm_url=lambda token: request.build_absolute_uri(
                    reverse("agencia:email_confirm", args=[token])
                ),
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"Enviamos um link para {form.cleaned_data['email']}. O e-mail só muda depois que você "
                "abrir o link (vale por 24 horas).",
            )
            return redirect(page_url(request, "property_home", prop.pk))
    return render_page(request, "portal/email_change.html", {"form": form, "prop": prop})


@require_GET
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.email_change_confirm(token=token)
    except NotFound as exc:
        return render_page(
            request, "portal/message.html", {"title": "Link inválido", "text": exc.message}, status=404
        )
    return render_page(
        request,
        "portal/message.html",
        {"title": "E-mail confirmado", "text": "Pronto: o novo e-mail já está no seu cadastro."},
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def due_day(request: HttpRequest, property_id: int) -> HttpResponse:
    grant: Grant = request.grant  # type: ignore[attr-defined]
    prop = granted_property(request, property_id)
    agency: AgencySettings = request.agency  # type: ignore[attr-defined]
    current = selectors.chosen_due_day(prop)
    form = DueDayForm(request.POST or None, options=list(agency.due_day_options), initial={"day": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.due_day_change(grant=grant, prop=prop, day=form.cleaned_data["day"])
        except PermissionDenied:
            raise
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                f"Pronto: suas próximas contas vencerão no dia {form.cleaned_data['day']}. "
                "A conta que já foi emitida mantém o vencimento dela.",
            )
            return redirect(page_url(request, "property_home", prop.pk))
    return render_page(request, "portal/due_day.html", {"form": form, "prop": prop, "current": current})
