"""Staff pages of issue 23: the news and notices to consumers (`/avisos/`, 3.2.15.13) and the
ticket waiting-time statistics per point and type (`/senhas/estatisticas/`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.registry.models import Neighbourhood, Route

from .channels_selectors import ticket_stats
from .models import AttendanceUnit, News
from .news_apis import stats_period
from .services import news as news_services


def duration(seconds: int | None) -> str:
    """ "4min 30s", "1h 05min", "—"."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}min"
    if minutes:
        return f"{minutes}min {secs:02d}s" if secs else f"{minutes}min"
    return f"{secs}s"


@function_required("service.tickets")
def ticket_stats_view(request: HttpRequest) -> HttpResponse:
    """Per point and type: issued, called, no-show, still waiting, average / p90 / maximum wait and
    average service time over the chosen days (today by default)."""
    error = ""
    try:
        start, end = stats_period(request.GET)
    except DomainError as exc:
        error = exc.message
        start = end = tenant_today()
    units = AttendanceUnit.objects.order_by("name")
    chosen = units.filter(code=request.GET.get("point", "")).first() if request.GET.get("point") else None
    rows = ticket_stats(start, end, chosen.pk if chosen else None)
    table = [
        {
            "row": r,
            "wait": duration(r.stats.average_wait_seconds),
            "p90": duration(r.stats.p90_wait_seconds),
            "max": duration(r.stats.max_wait_seconds),
            "service": duration(r.stats.average_service_seconds),
        }
        for r in rows
    ]
    return render(
        request,
        "service/news/ticket_stats.html",
        {"table": table, "start": start, "end": end, "units": units, "chosen": chosen, "error": error},
    )


class NewsForm(forms.Form):
    kind = forms.ChoiceField(label="Tipo", choices=News.Kind.choices)
    title = forms.CharField(label="Título", max_length=120)
    body = forms.CharField(label="Texto", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(
        label="Publicar a partir de",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text="Em branco: agora.",
    )
    ends_at = forms.DateTimeField(
        label="Retirar em",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text="Em branco: sem data para sair.",
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label="Bairros",
        queryset=Neighbourhood.objects.order_by("name"),
        required=False,
        help_text="Sem bairros nem rotas: todos os consumidores.",
    )
    routes = forms.ModelMultipleChoiceField(
        label="Rotas de leitura", queryset=Route.objects.select_related("group"), required=False
    )
    on_agency = forms.BooleanField(label="Na agência virtual e no aplicativo", required=False, initial=True)
    on_totem = forms.BooleanField(label="No totem", required=False, initial=True)


@function_required("service.news")
def news_view(request: HttpRequest) -> HttpResponse:
    can_change = request.user.can("service.news", "change")  # type: ignore[union-attr]
    form = NewsForm()
    if request.method == "POST" and can_change:
        try:
            if request.POST.get("action") == "withdraw":
                news_services.news_withdraw(
                    actor=request.user, news_id=int(request.POST.get("news", "0") or 0)
                )
                messages.success(request, "Retirada da agência, do totem e do aplicativo.")
                return redirect("news:list")
            form = NewsForm(request.POST)
            if form.is_valid():
                c = form.cleaned_data
                news_services.news_create(
                    actor=request.user,
                    kind=c["kind"],
                    title=c["title"],
                    body=c["body"],
                    starts_at=c["starts_at"],
                    ends_at=c["ends_at"],
                    neighbourhood_ids=[n.pk for n in c["neighbourhoods"]],
                    route_ids=[r.pk for r in c["routes"]],
                    on_agency=c["on_agency"],
                    on_totem=c["on_totem"],
                )
                messages.success(request, "Publicada.")
                return redirect("news:list")
        except DomainError as exc:
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
    now = timezone.now()
    rows = list(News.objects.prefetch_related("neighbourhoods", "routes").order_by("-starts_at", "-id")[:200])
    for n in rows:
        if not n.is_active:
            n.state = "Retirada"  # type: ignore[attr-defined]
        elif n.starts_at > now:
            n.state = "Agendada"  # type: ignore[attr-defined]
        elif n.ends_at is not None and n.ends_at <= now:
            n.state = "Expirada"  # type: ignore[attr-defined]
        else:
            n.state = "No ar"  # type: ignore[attr-defined]
    return render(request, "service/news/news.html", {"rows": rows, "form": form, "can_change": can_change})
