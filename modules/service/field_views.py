"""Pages of field work: the phone app (/campo/, an installable PWA with its service worker and
manifest) and the back office's "Campo" page (map and list of requested and scheduled orders, teams'
last positions, productivity, the photo feed, settings, badges, and the privacy statement)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from modules.access.models import User
from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.common.http import offline_service_worker

from . import selectors_field as sel
from .models import Badge, FieldNotice, FieldPhoto, ServiceCode, Team
from .services import field

SHELL = ["common/offline_store.js", "service/field/app.js", "service/field/app.css", "service/field/icon.svg"]


@function_required("service.field")
def field_app_view(request: HttpRequest) -> HttpResponse:
    return render(request, "service/field/app.html", {"user_name": request.user.get_username()})


def service_worker_view(request: HttpRequest) -> HttpResponse:
    """Served from /campo/ so its scope covers the app; no data of the utility in it."""
    return offline_service_worker(scope="/campo/", cache="campo-v1", shell=SHELL)


def manifest_view(request: HttpRequest) -> HttpResponse:
    body = render_to_string("service/field/manifest.webmanifest", {"icon": static("service/field/icon.svg")})
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


class FilterForm(forms.Form):
    address = forms.CharField(label="Endereço", required=False, max_length=100)
    team = forms.ModelChoiceField(label="Equipe", queryset=Team.objects.none(), required=False)
    code = forms.ModelChoiceField(
        label="Serviço", queryset=ServiceCode.objects.none(), required=False, to_field_name="code"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["code"].queryset = ServiceCode.objects.filter(is_active=True).order_by("code")  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    position_retention_days = forms.IntegerField(
        label="Guardar as posições por (dias)", min_value=1, max_value=730
    )
    sync_interval_seconds = forms.IntegerField(
        label="Envio automático do aparelho a cada (segundos)", min_value=30, max_value=3600
    )


class BadgeForm(forms.Form):
    code = forms.CharField(label="Código do crachá", max_length=40)
    user = forms.ModelChoiceField(label="Integrante", queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("full_name", "username")  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name or u.username} ({u.username})"  # type: ignore[attr-defined]


def _scatter(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Lat/long to an SVG box (no base map: the utility's tiles come with the GIS module)."""
    if not points:
        return {"points": [], "width": 600, "height": 360}
    lats = [p["lat"] for p in points]
    lons = [p["lon"] for p in points]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    if lat1 == lat0:  # a single point (or a row of them) sits in the middle
        lat0, lat1 = lat0 - 0.005, lat1 + 0.005
    if lon1 == lon0:
        lon0, lon1 = lon0 - 0.005, lon1 + 0.005
    span_lat, span_lon = lat1 - lat0, lon1 - lon0
    width, height, pad = 600, 360, 20
    for p in points:
        p["x"] = round(pad + (p["lon"] - lon0) / span_lon * (width - 2 * pad), 1)
        p["y"] = round(pad + (lat1 - p["lat"]) / span_lat * (height - 2 * pad), 1)
    return {"points": points, "width": width, "height": height}


@function_required("service.field_monitor")
def field_monitor_view(request: HttpRequest) -> HttpResponse:
    can_change = request.user.can("service.field_monitor", "change")  # type: ignore[union-attr]
    settings_row = sel.field_settings()
    settings_form = SettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={
            "position_retention_days": settings_row.position_retention_days,
            "sync_interval_seconds": settings_row.sync_interval_seconds,
        },
    )
    badge_form = BadgeForm(request.POST if request.POST.get("action") == "badge" else None)
    if request.method == "POST" and can_change:
        try:
            if request.POST.get("action") == "settings" and settings_form.is_valid():
                field.field_settings_update(actor=request.user, **settings_form.cleaned_data)  # type: ignore[arg-type]
                messages.success(request, "Configuração de campo gravada.")
                return redirect("service:field_monitor")
            if request.POST.get("action") == "badge" and badge_form.is_valid():
                field.badge_set(
                    actor=request.user,  # type: ignore[arg-type]
                    code=badge_form.cleaned_data["code"],
                    user_id=badge_form.cleaned_data["user"].pk,
                )
                messages.success(request, "Crachá gravado.")
                return redirect("service:field_monitor")
        except DomainError as exc:
            target = badge_form if request.POST.get("action") == "badge" else settings_form
            name = (exc.field or "").split(".")[0]
            target.add_error(name if name in target.fields else None, exc.message)
    filters = FilterForm(request.GET or None)
    address, team_id, code = "", None, ""
    if filters.is_valid():
        address = filters.cleaned_data["address"] or ""
        team_id = filters.cleaned_data["team"].pk if filters.cleaned_data["team"] else None
        code = filters.cleaned_data["code"].code if filters.cleaned_data["code"] else ""
    orders = list(sel.map_orders(address=address, team_id=team_id, code=code, limit=500))
    now = timezone.now()
    positions = sel.last_positions(now)
    points = [
        {
            "lat": float(o.property.latitude),
            "lon": float(o.property.longitude),
            "kind": "order",  # type: ignore[union-attr,arg-type]
            "status": o.status,
            "label": f"OS {o.label} ({o.code.code}) — {o.get_status_display()}",
        }
        for o in orders
    ] + [
        {
            "lat": float(p.latitude),
            "lon": float(p.longitude),
            "kind": "team",
            "status": "team",
            "label": f"{p.team.name}: última posição {timezone.localtime(p.at):%d/%m %H:%M}",
        }
        for p in positions
    ]
    day = tenant_today()
    return render(
        request,
        "service/field/monitor.html",
        {
            "filters": filters,
            "orders": orders,
            "positions": positions,
            "scatter": _scatter(points),
            "productivity": sel.productivity(day),
            "day": day,
            "photos": sel.photo_feed(),
            "notices": FieldNotice.objects.select_related("order")[:20],
            "settings": settings_row,
            "settings_form": settings_form,
            "badge_form": badge_form,
            "badges": Badge.objects.filter(is_active=True).select_related("user").order_by("code")[:100],
            "can_change": can_change,
            "addresses": {o.pk: sel.address_of(o) for o in orders},
        },
    )


@function_required("service.field_monitor")
def field_photo_view(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(FieldPhoto, pk=pk)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@function_required("service.orders")
def field_notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(FieldNotice, pk=pk)
    response = FileResponse(notice.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aviso-{notice.order.label.replace("/", "-")}.pdf"'
    return response
