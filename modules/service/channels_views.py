"""Pages of the attendance channels (ADR 0182).

Public inside the utility's host (no sign-in; the totem and the TV have no user): the kiosk that
issues tickets, `/senhas/emitir/<unit>/`, and the call display, `/senhas/painel/<unit>/` with its
state `/senhas/painel/<unit>/estado` (polled; the page chimes when the latest call changes).
Staff: "Chamar próxima" at `/senhas/chamar/`, units and queues at `/senhas/configurar/`, and the
CTI pages under `/atendimento/cti/` (agent console with screen-pop, the caller chooser, queue
monitor, supply outages, campaigns).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from modules.access.views import function_required
from modules.common.audit import SystemActor
from modules.common.clock import tenant_today, tenant_zone
from modules.common.errors import DomainError
from modules.common.http import client_ip
from modules.common.ratelimit import window_hits
from modules.common.selectors import change_history
from modules.registry.models import Neighbourhood, Street

from .channels_apis import matches_json
from .channels_selectors import panel_state, queue_lines
from .domain.callstats import QueueStats
from .domain.tickets import PRIORITY_LABELS, REASON_LABELS, TicketStatus
from .models import AttendanceUnit, Campaign, DisplayItem, SupplyOutage, Ticket, TicketQueue
from .services import campaigns, cti, tickets


def _unit_or_404(code: str) -> AttendanceUnit:
    unit = AttendanceUnit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise Http404
    return unit


# --- public in the tenant: kiosk and display ------------------------------------------------------


def _kiosk_context(place: AttendanceUnit, queues: list[TicketQueue], **extra: Any) -> dict[str, Any]:
    from .news_selectors import visible_news

    return {
        "unit": place,
        "queues": queues,
        "labels": PRIORITY_LABELS,
        "reasons": [(r.value, label) for r, label in REASON_LABELS.items()],
        "news": visible_news(channel="totem", limit=3),
        "idle_seconds": settings.KIOSK_IDLE_SECONDS,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def kiosk_view(request: HttpRequest, unit: str) -> HttpResponse:
    """The totem: the legal-priority question, then one big button per ticket type; the issued
    ticket is printed by the browser (kiosk_ticket.html, a slip page)."""
    place = _unit_or_404(unit)
    queues = list(place.queues.filter(is_active=True).order_by("position", "id"))
    if request.method == "POST":
        # a totem issues a ticket every few seconds at most; a script hammering the public page
        # is stopped per address (the schema-aware cache keeps one utility's count from another's)
        hits = window_hits(f"service:kiosk:{place.pk}:{client_ip(request) or '-'}", 60)
        if hits > int(getattr(settings, "KIOSK_TICKETS_PER_MINUTE", 30)):
            return render(
                request, "service/channels/kiosk.html", _kiosk_context(place, queues, busy=True), status=429
            )
        queue = next((q for q in queues if str(q.pk) == request.POST.get("queue")), None)
        if queue is None:
            return render(
                request,
                "service/channels/kiosk.html",
                _kiosk_context(place, queues, error="Escolha o tipo de atendimento."),
                status=400,
            )
        try:
            ticket = tickets.ticket_issue(
                actor=SystemActor(f"totem:{place.code}"),
                queue_id=queue.pk,
                priority_reason=request.POST.get("priority") or "none",
            )
        except DomainError as exc:
            return render(
                request,
                "service/channels/kiosk.html",
                _kiosk_context(place, queues, error=exc.message),
                status=400,
            )
        ahead = Ticket.objects.filter(
            unit=place, day=ticket.day, status=TicketStatus.WAITING, pk__lt=ticket.pk
        ).count()
        return render(
            request,
            "service/channels/kiosk_ticket.html",
            {
                "unit": place,
                "ticket": ticket,
                "ahead": ahead,
                "issued": timezone.localtime(ticket.issued_at, tenant_zone()),
            },
        )
    return render(request, "service/channels/kiosk.html", _kiosk_context(place, queues))


def kiosk_pulse_view(request: HttpRequest, unit: str) -> JsonResponse:
    """The totem's heartbeat: its page asks every 30 s (kiosk.js), and reloads itself when the
    network comes back after a drop; the unit records when its totem was last seen, at most once a
    minute (no write per ping)."""
    place = _unit_or_404(unit)
    now = timezone.now()
    if place.kiosk_seen_at is None or (now - place.kiosk_seen_at).total_seconds() >= 60:
        AttendanceUnit.objects.filter(pk=place.pk).update(kiosk_seen_at=now)
    # the release: a totem reloads itself when the server was updated (3.2.15.14, infra/kiosk)
    response = JsonResponse({"ok": True, "unit": place.code, "release": settings.MANANCIAL_RELEASE})
    response["Cache-Control"] = "no-store"
    return response


def panel_view(request: HttpRequest, unit: str) -> HttpResponse:
    place = _unit_or_404(unit)
    return render(
        request,
        "service/channels/panel.html",
        {"unit": place, "state": panel_state(place, tenant_today())},
    )


def panel_state_view(request: HttpRequest, unit: str) -> JsonResponse:
    place = _unit_or_404(unit)
    response = JsonResponse(panel_state(place, tenant_today()))
    response["Cache-Control"] = "no-store"
    return response


# --- staff: calling tickets -----------------------------------------------------------------------


class DeskForm(forms.Form):
    unit = forms.ModelChoiceField(label="Unidade", queryset=AttendanceUnit.objects.filter(is_active=True))
    desk = forms.CharField(label="Guichê", max_length=20)


class DeskTicketForm(forms.Form):
    queue = forms.ModelChoiceField(label="Fila", queryset=TicketQueue.objects.none())
    priority = forms.ChoiceField(
        label="Prioridade legal",
        choices=[(r.value, label) for r, label in REASON_LABELS.items()],
        initial="none",
        required=False,
    )
    note = forms.CharField(label="Descrição curta do assunto", max_length=300, required=False)
    account = forms.CharField(label="Matrícula (se houver)", max_length=12, required=False)


def _desk_context(request: HttpRequest, unit: AttendanceUnit | None, desk: str) -> dict[str, Any]:
    today = tenant_today()
    context: dict[str, Any] = {
        "unit": unit,
        "desk": desk,
        "desk_form": DeskForm(initial={"unit": unit, "desk": desk}),
    }
    if unit is not None:
        context["lines"] = queue_lines(unit, today)
        context["current"] = (
            Ticket.objects.filter(
                unit=unit, day=today, status=TicketStatus.CALLED, called_by_id=request.user.pk
            )
            .select_related("queue", "property")
            .order_by("-called_at")
            .first()
        )
        form = DeskTicketForm()
        form.fields["queue"].queryset = unit.queues.filter(is_active=True)  # type: ignore[attr-defined]
        context["ticket_form"] = form
        context["waiting"] = (
            Ticket.objects.filter(unit=unit, day=today, status=TicketStatus.WAITING)
            .select_related("queue")
            .order_by("-priority", "issued_at")[:30]
        )
        context["recent"] = (
            Ticket.objects.filter(unit=unit, day=today, called_at__isnull=False)
            .select_related("queue")
            .order_by("-called_at")[:10]
        )
    return context


@function_required("service.tickets")
def desk_call_view(request: HttpRequest) -> HttpResponse:
    """The desk's screen: the unit's queues as they stand, "Chamar próxima", the ticket being
    served (recall, finish, no-show, open the property), and issuing a ticket at the desk."""
    unit_id = request.session.get("ticket_unit")
    desk = str(request.session.get("ticket_desk") or "")
    unit = AttendanceUnit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    can_call = request.user.can("service.tickets", "change")  # type: ignore[union-attr]
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "place":
                form = DeskForm(request.POST)
                if form.is_valid():
                    request.session["ticket_unit"] = form.cleaned_data["unit"].pk
                    request.session["ticket_desk"] = form.cleaned_data["desk"].strip()
                return redirect("tickets:call")
            if unit is None:
                messages.error(request, "Escolha a unidade e o guichê.")
                return redirect("tickets:call")
            if action == "issue" and request.user.can("service.tickets", "add"):  # type: ignore[union-attr]
                form = DeskTicketForm(request.POST)
                form.fields["queue"].queryset = unit.queues.filter(is_active=True)  # type: ignore[attr-defined]
                if form.is_valid():
                    prop = None
                    if form.cleaned_data["account"]:
                        from modules.debt.selectors import property_by_account

                        prop = property_by_account(form.cleaned_data["account"])
                        if prop is None:
                            messages.error(request, "Matrícula não encontrada.")
                            return redirect("tickets:call")
                    ticket = tickets.ticket_issue(
                        actor=request.user,
                        queue_id=form.cleaned_data["queue"].pk,
                        origin="desk",
                        note=form.cleaned_data["note"],
                        property_id=prop,
                        priority_reason=form.cleaned_data["priority"] or "none",
                    )
                    messages.success(request, f"Senha {ticket.label} emitida e colocada na fila.")
                return redirect("tickets:call")
            if not can_call:
                messages.error(request, "Seu perfil não permite chamar senhas.")
                return redirect("tickets:call")
            if action == "next":
                ticket = tickets.ticket_call_next(actor=request.user, unit_id=unit.pk, desk=desk)
                messages.success(request, f"Senha {ticket.label} chamada para o {desk}.")
            elif action == "identify":
                from modules.debt.selectors import property_by_account

                pk = int(request.POST.get("ticket", "0") or 0)
                if not Ticket.objects.filter(pk=pk, unit=unit, called_by_id=request.user.pk).exists():
                    raise Http404
                found = property_by_account(request.POST.get("account", ""))
                if found is None:
                    messages.error(request, "Matrícula não encontrada.")
                else:
                    tickets.ticket_identify(actor=request.user, ticket_id=pk, property_id=found)
            elif action in ("recall", "finish", "no_show"):
                pk = int(request.POST.get("ticket", "0") or 0)
                if not Ticket.objects.filter(pk=pk, unit=unit, called_by_id=request.user.pk).exists():
                    raise Http404
                if action == "recall":
                    tickets.ticket_recall(actor=request.user, ticket_id=pk)
                else:
                    tickets.ticket_finish(actor=request.user, ticket_id=pk, no_show=action == "no_show")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("tickets:call")
    context = _desk_context(request, unit, desk)
    context["can_call"] = can_call
    return render(request, "service/channels/desk_call.html", context)


class UnitForm(forms.ModelForm):
    class Meta:
        model = AttendanceUnit
        fields = ["code", "name", "address", "priority_streak"]


class QueueForm(forms.ModelForm):
    class Meta:
        model = TicketQueue
        fields = ["unit", "prefix", "name", "priority", "position", "is_active"]


class DisplayItemForm(forms.ModelForm):
    class Meta:
        model = DisplayItem
        fields = ["unit", "kind", "url", "text", "seconds", "position"]


@function_required("service.tickets", "change")
def tickets_settings_view(request: HttpRequest) -> HttpResponse:
    unit_form, queue_form = UnitForm(prefix="u"), QueueForm(prefix="q")
    display_form = DisplayItemForm(prefix="d")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "display_delete":
                tickets.display_item_delete(
                    actor=request.user, item_id=int(request.POST.get("item", "0") or 0)
                )
                messages.success(request, "Conteúdo retirado do painel.")
                return redirect("tickets:settings")
            if request.POST.get("action") == "display":
                display_form = DisplayItemForm(request.POST, prefix="d")
                if display_form.is_valid():
                    data = dict(display_form.cleaned_data)
                    unit = data.pop("unit")
                    tickets.display_item_create(actor=request.user, unit_id=unit.pk if unit else None, **data)
                    messages.success(request, "Conteúdo incluído no painel.")
                    return redirect("tickets:settings")
            elif request.POST.get("action") == "unit":
                unit_form = UnitForm(request.POST, prefix="u")
                if unit_form.is_valid():
                    tickets.unit_create(actor=request.user, **unit_form.cleaned_data)
                    messages.success(request, "Unidade criada.")
                    return redirect("tickets:settings")
            else:
                queue_form = QueueForm(request.POST, prefix="q")
                if queue_form.is_valid():
                    data = dict(queue_form.cleaned_data)
                    tickets.queue_set(actor=request.user, unit_id=data.pop("unit").pk, **data)
                    messages.success(request, "Fila gravada: a regra vale para as próximas senhas.")
                    return redirect("tickets:settings")
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "service/channels/tickets_settings.html",
        {
            "units": AttendanceUnit.objects.prefetch_related("queues"),
            "unit_form": unit_form,
            "queue_form": queue_form,
            "display_form": display_form,
            "display_items": DisplayItem.objects.select_related("unit"),
            "history": change_history(
                object_types=["service.attendanceunit", "service.ticketqueue", "service.displayitem"]
            ),
        },
    )


# --- staff: CTI -----------------------------------------------------------------------------------


@function_required("service.cti")
def cti_console_view(request: HttpRequest) -> HttpResponse:
    """The agent's console: it asks every two seconds for the call the agent answered and opens
    the caller's screen when a new one arrives (screen-pop)."""
    call = cti.agent_current_call(request.user.get_username())
    return render(request, "service/channels/cti_console.html", {"call": call})


@function_required("service.cti")
def cti_call_view(request: HttpRequest) -> HttpResponse:
    """`?caller=+55…`: the one-screen view of the caller's property, or a chooser when the number
    names several (or none)."""
    caller = request.GET.get("caller", "")
    try:
        body = matches_json(caller)
    except DomainError as exc:
        return render(
            request, "service/channels/cti_call.html", {"error": exc.message, "caller": caller}, status=400
        )
    props = [p for m in body["matches"] for p in m["properties"]]
    if len(props) == 1:
        return redirect("service:desk_property", pk=props[0]["id"])
    return render(request, "service/channels/cti_call.html", {"body": body, "caller": caller})


@function_required("service.cti")
def cti_monitor_view(request: HttpRequest) -> HttpResponse:
    from .channels_selectors import queue_monitor

    zone = tenant_zone()
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or tenant_today().isoformat())
        end = dt.date.fromisoformat(request.GET.get("end") or start.isoformat())
    except ValueError:
        start = end = tenant_today()
    queue = request.GET.get("queue", "")
    stats: QueueStats = queue_monitor(
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
        queue,
    )
    return render(
        request,
        "service/channels/cti_monitor.html",
        {"stats": stats, "start": start, "end": end, "queue": queue},
    )


class OutageForm(forms.Form):
    description = forms.CharField(label="Problema", max_length=200)
    starts_at = forms.DateTimeField(
        label="Início", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    expected_end_at = forms.DateTimeField(
        label="Previsão de normalização",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label="Bairros", queryset=Neighbourhood.objects.order_by("name"), required=False
    )
    streets = forms.ModelMultipleChoiceField(
        label="Logradouros", queryset=Street.objects.order_by("name"), required=False
    )


@function_required("service.cti")
def outages_view(request: HttpRequest) -> HttpResponse:
    form = OutageForm(request.POST if request.POST.get("action") == "create" else None)
    can_change = request.user.can("service.cti", "change")  # type: ignore[union-attr]
    if request.method == "POST" and can_change:
        try:
            if request.POST.get("action") == "end":
                cti.outage_end(
                    actor=request.user,
                    outage_id=int(request.POST.get("outage", "0") or 0),
                    ends_at=timezone.now(),
                )
                messages.success(request, "Abastecimento normalizado.")
                return redirect("cti:outages")
            if form.is_valid():
                data = form.cleaned_data
                cti.outage_create(
                    actor=request.user,
                    description=data["description"],
                    starts_at=data["starts_at"],
                    expected_end_at=data["expected_end_at"],
                    neighbourhood_ids=[n.pk for n in data["neighbourhoods"]],
                    street_ids=[s.pk for s in data["streets"]],
                )
                messages.success(request, "Falta de água registrada: a URA avisa quem ligar da área.")
                return redirect("cti:outages")
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "service/channels/outages.html",
        {
            "outages": SupplyOutage.objects.prefetch_related("neighbourhoods", "streets")[:50],
            "form": form,
            "can_change": can_change,
            "now": timezone.now(),
        },
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=100)
    kind = forms.ChoiceField(label="Tipo", choices=Campaign.Kind.choices)
    message = forms.CharField(
        label="Mensagem da ligação", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label="Bairros", queryset=Neighbourhood.objects.order_by("name"), required=False
    )
    overdue_days = forms.IntegerField(
        label="Só com fatura vencida há mais de (dias)", min_value=0, required=False
    )
    orders_executed_since = forms.DateField(
        label="Só com ordem executada desde", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@function_required("service.cti")
def campaigns_view(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST if request.POST.get("action") == "create" else None)
    can_change = request.user.can("service.cti", "change")  # type: ignore[union-attr]
    if request.method == "POST" and can_change:
        try:
            action = request.POST.get("action")
            pk = int(request.POST.get("campaign", "0") or 0)
            if action == "start":
                count = campaigns.campaign_start(actor=request.user, campaign_id=pk)
                messages.success(request, f"{count} ligações enviadas ao discador.")
                return redirect("cti:campaigns")
            if action == "refresh":
                campaigns.campaign_refresh(campaign_id=pk)
                return redirect("cti:campaigns")
            if form.is_valid():
                data = form.cleaned_data
                filters: dict[str, Any] = {}
                if data["neighbourhoods"]:
                    filters["neighbourhoods"] = [n.pk for n in data["neighbourhoods"]]
                if data["overdue_days"] is not None:
                    filters["overdue_days"] = data["overdue_days"]
                if data["orders_executed_since"]:
                    filters["orders_executed_since"] = data["orders_executed_since"].isoformat()
                campaign = campaigns.campaign_create(
                    actor=request.user,
                    name=data["name"],
                    kind=data["kind"],
                    message=data["message"],
                    filters=filters,
                    today=tenant_today(),
                )
                messages.success(request, f"Campanha criada com {campaign.targets.count()} telefones.")
                return redirect("cti:campaigns")
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = [(c, campaigns.campaign_summary(c)) for c in Campaign.objects.all()[:30]]
    return render(
        request,
        "service/channels/campaigns.html",
        {"rows": rows, "form": form, "can_change": can_change},
    )


class ChannelSettingsForm(forms.Form):
    cti_secret = forms.CharField(
        label="Segredo compartilhado da telefonia",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Em branco: mantém o atual. Entregue ao fornecedor da telefonia (docs/cti-webhook.md).",
    )
    default_ddd = forms.CharField(label="DDD local", max_length=2, required=False)
    sms_base_url = forms.URLField(label="Gateway de SMS: endereço", required=False, assume_scheme="https")
    sms_token = forms.CharField(
        label="Gateway de SMS: chave", required=False, widget=forms.PasswordInput(render_value=False)
    )
    sms_sender = forms.CharField(label="Gateway de SMS: remetente", max_length=20, required=False)
    dialer_base_url = forms.URLField(label="Discador: endereço", required=False, assume_scheme="https")
    dialer_token = forms.CharField(
        label="Discador: chave", required=False, widget=forms.PasswordInput(render_value=False)
    )


@function_required("service.cti", "change")
def channel_settings_view(request: HttpRequest) -> HttpResponse:
    from .models import ChannelSettings

    conf = ChannelSettings.current()
    initial = {
        name: getattr(conf, name) for name in ("default_ddd", "sms_base_url", "sms_sender", "dialer_base_url")
    }
    form = ChannelSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cti.channel_settings_set(actor=request.user, **form.cleaned_data)
            messages.success(request, "Telefonia e mensagens gravadas.")
            return redirect("cti:settings")
        except Exception as exc:  # full_clean's ValidationError: shown on the form
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(
        request,
        "service/channels/channel_settings.html",
        {
            "form": form,
            "has_secret": bool(conf.cti_secret),
            # the secrets are encrypted fields: the audit trail never holds them (common.audit.snapshot)
            "history": change_history(object_types=["service.channelsettings"]),
        },
    )
