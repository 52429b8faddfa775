"""The citizen's notices page (issue 23, ADR 0207): which notices on which channels, the mobile
number confirmed by an SMS code (3.2.14.1), the digital bill, and Web Push on this device. The same
services as the citizen API (portal/apis/notifications.py)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from modules.common.errors import DomainError
from modules.common.forms import form_error
from modules.common.http import client_ip
from modules.notifications import services as notices
from modules.notifications.domain import events as ev
from modules.notifications.models import NotificationSettings, Subscription
from modules.notifications.providers import holder_email
from modules.notifications.webpush import application_server_key

from ..access import holder_required
from ..auth import CitizenActor
from .base import citizen_required, granted_property, page_url, render_page, request_grant


class PreferencesForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label="Por onde avisar",
        choices=list(ev.CHANNEL_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    events = forms.MultipleChoiceField(
        label="Avisar quando", choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, offered: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["events"].choices = [(c, ev.EVENT_LABELS[c]) for c in offered]  # type: ignore[attr-defined]


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label="Celular com DDD",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="Enviaremos um código por SMS para confirmar o número.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Código recebido por SMS",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@require_http_methods(["GET", "POST"])
@citizen_required
def notifications(request: HttpRequest, property_id: int) -> HttpResponse:
    grant = request_grant(request)
    prop = granted_property(request, property_id)
    conf = NotificationSettings.current()
    chosen = notices.preferences_of(prop)
    sub = Subscription.objects.filter(property=prop).first()
    action = request.POST.get("action", "")
    prefs = PreferencesForm(
        request.POST if action == "preferences" else None,
        offered=list(conf.offered_events),
        initial={"channels": [c for c, on in chosen.channels.items() if on], "events": chosen.events},
    )
    mobile = MobileForm(request.POST if action == "mobile" else None)
    code = CodeForm(request.POST if action == "code" else None)
    status = 200
    if request.method == "POST":
        holder_required(grant)
        done = _act(request, action, prop, prefs, mobile, code)
        if done:
            return redirect(page_url(request, "notifications", prop.pk))
        status = 400
    return render_page(
        request,
        "portal/notifications.html",
        {
            "prop": prop,
            "prefs": prefs,
            "mobile_form": mobile,
            "code_form": code,
            "sub": sub,
            "email": holder_email(prop),
            "mobile_shown": ev.mask_mobile(sub.mobile) if sub and sub.mobile else "",
            "code_pending": bool(request.session.get(f"portal_mobile_pending_{prop.pk}")),
            "push_key": application_server_key(notices.vapid_key_ensure()),
            "due_soon_days": conf.due_soon_days,
        },
        status=status,
    )


def _act(
    request: HttpRequest,
    action: str,
    prop: object,
    prefs: PreferencesForm,
    mobile: MobileForm,
    code: CodeForm,
) -> bool:
    grant = request_grant(request)
    actor = CitizenActor(grant)
    try:
        if action == "preferences" and prefs.is_valid():
            channels = {c: c in prefs.cleaned_data["channels"] for c in ev.CHANNELS}
            notices.preferences_set(
                actor=actor,
                prop=prop,
                channels=channels,
                events=prefs.cleaned_data["events"],  # type: ignore[arg-type]
                source=grant.channel,
                ip=client_ip(request),
            )
            messages.success(request, "Pronto: seus avisos foram salvos.")
            return True
        if action == "mobile" and mobile.is_valid():
            number = notices.mobile_code_send(prop=prop, mobile=mobile.cleaned_data["mobile"])  # type: ignore[arg-type]
            request.session[f"portal_mobile_pending_{prop.pk}"] = number  # type: ignore[attr-defined]
            messages.info(request, f"Enviamos um código por SMS para {ev.mask_mobile(number)}.")
            return True
        if action == "code" and code.is_valid():
            number = notices.mobile_confirm(actor=actor, prop=prop, code=code.cleaned_data["code"])  # type: ignore[arg-type]
            request.session.pop(f"portal_mobile_pending_{prop.pk}", None)  # type: ignore[attr-defined]
            messages.success(request, f"Celular {ev.mask_mobile(number)} confirmado.")
            return True
        if action in ("digital_bill_on", "digital_bill_off"):
            on = notices.digital_bill_set(
                actor=actor,
                prop=prop,
                on=action == "digital_bill_on",
                source=grant.channel,
                ip=client_ip(request),  # type: ignore[arg-type]
            )
            messages.success(
                request,
                "Conta digital ativada: a conta chega por e-mail e não é mais impressa."
                if on
                else "Conta digital desativada: a conta volta a ser entregue impressa.",
            )
            return True
    except DomainError as exc:
        target = {"preferences": prefs, "mobile": mobile, "code": code}.get(action)
        if target is not None:
            form_error(target, exc)
        else:
            messages.error(request, exc.message)
            return True
    return False


@require_POST
@citizen_required
def push_device(request: HttpRequest, property_id: int) -> HttpResponse:
    """The browser's PushSubscription (JSON, from app.js), kept for this property."""
    grant = request_grant(request)
    prop = granted_property(request, property_id)
    holder_required(grant)
    try:
        body = json.loads(request.body or b"{}")
        keys = body.get("keys") or {}
        notices.push_device_add(
            prop=prop,
            endpoint=str(body.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
        )
    except (ValueError, AttributeError, DomainError):
        return JsonResponse({"detail": "Inscrição de notificação inválida."}, status=400)
    return JsonResponse({"ok": True}, status=201)
