"""Staff pages of hydrometry: meters, meter detail with its trail and calibrations, expiring list, events,
the metering policy."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.errors import DomainError, ValidationFailed
from modules.common.settings_pages import settings_page
from modules.registry.models import ServiceConnection

from . import selectors, services
from .domain import meters as rules
from .errors import ErrorCode
from .forms import CalibrationForm, MeterForm, MeteringPolicyForm
from .models import Meter, MeteringPolicy
from .services import policy as policy_services


@function_required("metering.meters")
def meters_view(request: HttpRequest) -> HttpResponse:
    status, number = request.GET.get("status", ""), request.GET.get("number", "")
    page, size = page_of(request, selectors.meter_list(status=status, number=number))
    return render(
        request,
        "metering/meters.html",
        {"page": page, "page_size": size, "page_sizes": PAGE_SIZES, "statuses": rules.STATUSES.items(),
         "query": f"status={status}&number={number}"},
    )  # fmt: skip


@function_required("metering.meters", "add")
def meter_create_view(request: HttpRequest) -> HttpResponse:
    form = MeterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meter = services.meter_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Hidrômetro {meter.number} cadastrado em estoque.")
            return redirect("metering:meter", meter.pk)
    return render(request, "metering/meter_form.html", {"form": form})


@function_required("metering.meters")
def meter_view(request: HttpRequest, pk: int) -> HttpResponse:
    meter = get_object_or_404(Meter, pk=pk)
    form = CalibrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not request.user.can("metering.calibrations", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite registrar aferições.")
        elif form.is_valid():
            data = dict(form.cleaned_data)
            photo = data.pop("photo")
            try:
                services.calibration_record(
                    actor=request.user, meter=meter, photos=[photo.read()] if photo else [], **data
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Aferição registrada.")
                return redirect("metering:meter", pk)
    policy = MeteringPolicy.current()
    ctx = {
        "m": meter,
        "form": form,
        "installations": meter.installations.select_related("connection__property").order_by("-installed_on"),
        "movements": meter.movements.all(),
        "calibrations": meter.calibrations.prefetch_related("photos"),
        "valid_until": rules.validity_end(meter.calibrated_on, policy.validity_years)
        if meter.calibrated_on
        else None,
    }
    return render(request, "metering/meter.html", ctx)


@function_required("metering.meters")
def expiring_view(request: HttpRequest) -> HttpResponse:
    policy = MeteringPolicy.current()
    today = tenant_today()
    qs = selectors.meters_expiring(as_of=today, policy=policy)
    page, size = page_of(request, qs)
    for m in page:
        m.valid_until = (
            rules.validity_end(m.calibrated_on, policy.validity_years) if m.calibrated_on else None
        )
    return render(
        request,
        "metering/expiring.html",
        {
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "policy": policy,
            "today": today,
            "query": "",
        },
    )


@function_required("metering.events", "add")
def event_view(request: HttpRequest, connection_pk: int) -> HttpResponse:
    sc = get_object_or_404(ServiceConnection, pk=connection_pk)
    post = request.POST
    try:
        on = dt.date.fromisoformat(post.get("on", ""))
    except ValueError:
        messages.error(request, "Data inválida.")
        return redirect("registry:property", sc.property_id)
    try:
        op = post.get("op")
        if op in ("install", "swap"):
            meter = Meter.objects.filter(number=rules.normalize_meter_number(post.get("meter", ""))).first()
            if meter is None:
                raise ValidationFailed(
                    f"Hidrômetro '{post.get('meter', '')}' não encontrado.",
                    field="meter",
                    code=ErrorCode.METER_NOT_FOUND,
                )
        initial = int(post.get("initial_reading") or 0)
        if op == "install":
            services.meter_install(actor=request.user, meter=meter, connection_obj=sc, installed_on=on,
                                   initial_reading=initial, activate=bool(post.get("activate")))  # fmt: skip
            messages.success(request, f"Hidrômetro {meter.number} instalado.")
        elif op == "remove":
            services.meter_remove(actor=request.user, connection_obj=sc, removed_on=on,
                                  final_reading=int(post.get("final_reading") or 0),
                                  destination=post.get("destination", ""))  # fmt: skip
            messages.success(request, "Hidrômetro retirado.")
        elif op == "swap":
            services.meter_swap(actor=request.user, connection_obj=sc, new_meter=meter, on=on,
                                final_reading=int(post.get("final_reading") or 0), initial_reading=initial,
                                destination=post.get("destination", ""))  # fmt: skip
            messages.success(request, f"Troca registrada: {meter.number} instalado.")
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        messages.error(request, "Leituras devem ser números inteiros.")
    return redirect("registry:property", sc.property_id)


@function_required("metering.policy")
def policy_view(request: HttpRequest) -> HttpResponse:
    """The utility's metering policy; a profile that may only view it sees the form disabled."""
    row = policy_services.metering_policy()
    return settings_page(
        request,
        function="metering.policy",
        form_class=MeteringPolicyForm,
        initial={name: getattr(row, name) for name in policy_services.POLICY_FIELDS},
        save=policy_services.metering_policy_update,
        title="Política de hidrometria",
        saved_message="Política de hidrometria salva.",
        redirect_to="metering:policy",
        history_types=["metering.meteringpolicy"],
        help_text=(
            "A validade e o alerta valem de imediato para a lista de aferição vencendo e para a validade "
            "mostrada em cada hidrômetro; o tamanho das fotos vale para as aferições registradas depois."
        ),
    )
