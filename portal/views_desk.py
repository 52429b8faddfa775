"""The agency settings screen (/atendimento/agencia-virtual/), a staff page kept in portal because it
acts on the agency's own row. The protocol desk beside it moved to modules/service (ADR 0181)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from modules.access.views import function_required
from modules.common.errors import DomainError

from . import selectors_desk, services_desk
from .forms_desk import AgencySettingsForm
from .models import AgencySettings


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


_SERVICE_FIELD = {"attachment_max_bytes": "attachment_max_mb", "disabled_services": "services"}


@require_http_methods(["GET", "POST"])
@function_required("portal.settings")
def settings_view(request: HttpRequest) -> HttpResponse:
    agency = AgencySettings.current()
    can_change = request.user.can("portal.settings", "change")  # type: ignore[union-attr]
    form = AgencySettingsForm(request.POST or None, initial=AgencySettingsForm.initial_from(agency))
    status = 200
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        status = 400
        if form.is_valid():
            try:
                services_desk.agency_settings_update(actor=request.user, **form.service_fields())  # type: ignore[arg-type]
            except DomainError as exc:
                field = _SERVICE_FIELD.get(exc.field or "", exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, "Configuração da agência virtual salva.")
                return redirect("desk:settings")
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "portal/desk/settings.html",
        {
            "form": form,
            "can_change": can_change,
            "links": selectors_desk.agency_links(request),
            "agency": agency,
        },
        status=status,
    )
