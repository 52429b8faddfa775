"""Staff pages of billing: tariff versions (create by JSON, review, approve, export), the simulator,
billing runs with their progress and critique, and bills (PDF, cancel and rebill)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.common.settings_pages import settings_page

from . import selectors
from .apis import version_for
from .domain.tariffs import TariffInvalid
from .forms import BillingSettingsForm, CompareForm, RebillForm, RunForm, SimulatorForm, TariffImportForm
from .models import Bill, BillingRun, Tariff
from .pdf import bill_pdf
from .services import bills as bill_services
from .services import runs as run_services
from .services import settings as settings_services
from .services import simulation
from .services import tariffs as tariff_services


@function_required("billing.tariffs")
def tariffs_view(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/tariffs.html", {"tariffs": Tariff.objects.order_by("-valid_from", "-id")})


@function_required("billing.tariffs", "add")
def tariff_create_view(request: HttpRequest) -> HttpResponse:
    form = TariffImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("json_file")
        text = upload.read().decode("utf-8-sig") if upload else form.cleaned_data.get("json_text") or ""
        try:
            data = json.loads(text)
            if isinstance(data, dict):
                data.pop("id", None)
                data.pop("status", None)
            tariff = tariff_services.tariff_create(actor=request.user, data=data)
        except json.JSONDecodeError as exc:
            problems.append(f"JSON inválido: {exc}")
        except TariffInvalid as exc:
            problems.extend(str(p) for p in exc.problems)
        else:
            messages.success(request, f"Rascunho da tarifa {tariff.act} criado: revise e aprove.")
            return redirect("billing:tariff", tariff.pk)
    return render(request, "billing/tariff_form.html", {"form": form, "problems": problems})


@function_required("billing.tariffs")
def tariff_view(request: HttpRequest, pk: int) -> HttpResponse:
    tariff = get_object_or_404(Tariff, pk=pk)
    if request.method == "POST":
        if not request.user.can("billing.tariffs", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite aprovar tarifas.")
        else:
            try:
                tariff_services.tariff_approve(actor=request.user, tariff=tariff, today=tenant_today())
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"Tarifa aprovada: vigente a partir de {tariff.valid_from:%d/%m/%Y}."
                )
            return redirect("billing:tariff", pk)
    return render(
        request, "billing/tariff.html", {"tariff": tariff, "data": tariff_services.tariff_json(tariff)}
    )


@function_required("billing.tariffs")
def tariff_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    tariff = get_object_or_404(Tariff, pk=pk)
    data = tariff_services.tariff_json(tariff)
    data.pop("id")
    data.pop("status")
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="tarifa-{tariff.valid_from}.json"'
    return response


@function_required("billing.simulate")
def simulator_view(request: HttpRequest) -> HttpResponse:
    form = SimulatorForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        v = form.cleaned_data
        try:
            result = simulation.simulate(
                version=version_for(v.get("tariff"), v.get("reference") or None),
                entries=[simulation.SimulationEntry(v["category"], v["dwelling_units"])],
                consumption_m3=v["consumption_m3"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "billing/simulator.html", {"form": form, "result": result})


@function_required("billing.simulate")
def compare_view(request: HttpRequest) -> HttpResponse:
    """Two tariff versions over the real consumption of a past month (seed 002 part 1 §7)."""
    form = CompareForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        v = form.cleaned_data
        month = YearMonth.parse(v["reference"])
        try:
            result = simulation.compare(
                base=version_for(v.get("base"), v["reference"]),
                proposed=version_for(v["proposed"], None),
                month=month,
                billed=selectors.billed_consumptions(month),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        if result:
            for key in ("consumption_histogram", "change_histogram"):
                top = max([row["bills"] for row in result[key]] + [1])
                for row in result[key]:
                    row["width"] = round(100 * row["bills"] / top)
    return render(request, "billing/compare.html", {"form": form, "result": result})


@function_required("billing.runs")
def runs_view(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("billing.runs", "add"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite iniciar faturamento.")
        elif form.is_valid():
            try:
                run = run_services.run_create(
                    actor=request.user,
                    group=form.cleaned_data["group"],
                    reference=YearMonth.parse(form.cleaned_data["reference"]),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Faturamento iniciado.")
                return redirect("billing:run", run.pk)
    page, size = page_of(request, selectors.run_list())
    return render(
        request,
        "billing/runs.html",
        {"form": form, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "query": ""},
    )


@function_required("billing.runs")
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(BillingRun.objects.select_related("group"), pk=pk)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "release" and request.user.can("billing.runs", "change"):  # type: ignore[union-attr]
                count = run_services.run_release(
                    actor=request.user, run=run, reason=request.POST.get("reason", "")
                )
                held = run_services.held_in_critique(run)
                messages.success(
                    request,
                    f"{count} faturas liberadas."
                    + (f" {held} retidas na crítica: aceite ou refature cada uma." if held else ""),
                )
            elif op == "resume" and request.user.can("billing.runs", "add"):  # type: ignore[union-attr]
                count = run_services.run_resume(actor=request.user, run=run)
                messages.success(request, f"{count} lotes reenviados para processamento.")
            else:
                messages.error(request, "Seu perfil não permite esta operação.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("billing:run", pk)
    anomalies, size = page_of(request, selectors.run_anomalies(run))
    return render(
        request,
        "billing/run.html",
        {
            "run": run,
            "errors": run.errors.select_related("property")[:200],
            "page": anomalies,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": "",
            "refresh": run.status in ("pending", "running"),
            "held": run_services.held_in_critique(run) if run.status == "released" else 0,
        },
    )


@function_required("billing.bills")
def bill_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.select_related("property", "replaces"), pk=pk)
    form = RebillForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("billing.bills", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite cancelar ou refaturar.")
        elif form.is_valid():
            try:
                if request.POST.get("op") == "cancel":
                    bill_services.bill_cancel(
                        actor=request.user, bill=bill, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, "Fatura cancelada.")
                    return redirect("billing:bill", pk)
                if request.POST.get("op") == "accept":
                    accepted = bill_services.bill_critique_accept(
                        actor=request.user, bill=bill, reason=form.cleaned_data["reason"]
                    )
                    messages.success(
                        request,
                        "Crítica aceita: fatura emitida."
                        if accepted.status == "released"
                        else "Crítica aceita: a fatura será emitida com a liberação do faturamento.",
                    )
                    return redirect("billing:bill", pk)
                new = bill_services.bill_rebill(
                    actor=request.user,
                    bill=bill,
                    reason=form.cleaned_data["reason"],
                    consumption_m3=form.cleaned_data.get("consumption_m3"),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"Fatura refaturada: nova fatura {new.pk}.")
                return redirect("billing:bill", new.pk)
    return render(
        request,
        "billing/bill.html",
        {
            "bill": bill,
            "items": bill.items.all(),
            "anomalies": bill.anomalies.all(),
            "open_anomalies": bill.status == "draft" and bill.anomalies.filter(accepted_at=None).exists(),
            "form": form,
            "replaced_by": bill.replaced_by.all(),
        },
    )


@function_required("billing.bills")
def bill_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill, pk=pk)
    response = HttpResponse(bill_pdf(bill), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fatura-{bill.pk}.pdf"'
    return response


@function_required("billing.settings")
def settings_view(request: HttpRequest) -> HttpResponse:
    """The utility's billing settings; a profile that may only view them sees the form disabled."""
    row = settings_services.billing_settings()
    return settings_page(
        request,
        function="billing.settings",
        form_class=BillingSettingsForm,
        initial={name: getattr(row, name) for name in settings_services.SETTINGS_FIELDS},
        save=settings_services.billing_settings_update,
        title="Configuração do faturamento",
        saved_message="Configuração do faturamento salva.",
        redirect_to="billing:settings",
        history_types=["billing.billingsettings"],
        help_text="Valem para os faturamentos calculados e as faturas impressas depois da alteração.",
    )
