"""Staff pages of the citizens' notices: what was sent to whom (with the consent trail of one
matrícula) and the utility's notice settings."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.errors import DomainError
from modules.common.selectors import change_history

from . import selectors, services
from .domain import events as ev
from .forms import DeliveryFilterForm, SettingsForm
from .models import NotificationSettings


@function_required("notifications.deliveries")
def deliveries_view(request: HttpRequest) -> HttpResponse:
    form = DeliveryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.delivery_list(
        account=data.get("account") or "",
        event=data.get("event") or "",
        channel=data.get("channel") or "",
        status=data.get("status") or "",
    )
    page, size = page_of(request, rows)
    account = data.get("account") or ""
    consents = list(selectors.consent_list(account=account)[:50]) if account else []
    for c in consents:
        c.label = ev.consent_label(c.subject, c.code)  # type: ignore[attr-defined]
    for row in page:
        row.shown_to = ev.mask_destination(row.channel, row.destination)  # type: ignore[attr-defined]
    query = urlencode({k: v for k, v in form.data.items() if k not in ("page", "page_size") and v})
    return render(
        request,
        "notifications/deliveries.html",
        {
            "form": form,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": query,
            "account": account,
            "consents": consents,
        },
    )


@function_required("notifications.deliveries", "change")
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    conf = NotificationSettings.current()
    initial = {
        "offered_events": conf.offered_events,
        "due_soon_days": conf.due_soon_days,
        "debt_notice_days": conf.debt_notice_days,
        "whatsapp_base_url": conf.whatsapp_base_url,
        "vapid_subject": conf.vapid_subject,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Configuração dos avisos salva.")
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "conf": conf,
            "history": change_history(object_types=["notifications.notificationsettings"]),
        },
    )
