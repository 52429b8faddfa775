"""Staff pages of billing: tariff versions (the form editor, JSON import, review against the version
in force, approve, copy, export; projections apart), the simulator, billing runs with their progress
and critique, bills (PDF, cancel and rebill), the bill messages and water-quality tables, and the
billing settings."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.common.settings_pages import settings_page

from . import selectors, tariff_editor
from .apis import version_for
from .domain.statuses import BillStatus, RunStatus
from .domain.tariffs import TariffInvalid
from .errors import ErrorCode
from .forms import (
    BillChangeForm,
    BillingSettingsForm,
    BillMessageForm,
    CompareForm,
    QualityRowForm,
    QualityTableForm,
    RebillForm,
    RunForm,
    SimulatorForm,
    TariffCopyForm,
    TariffImportForm,
)
from .models import Bill, BillingRun, BillText, Tariff, TariffStatus
from .pdf import bill_pdf
from .services import bills as bill_services
from .services import rebill as rebill_services
from .services import runs as run_services
from .services import settings as settings_services
from .services import simulation
from .services import tariffs as tariff_services
from .services import texts as text_services

TARIFF_HISTORY = ["billing.tariff"]


@function_required("billing.tariffs")
def tariffs_view(request: HttpRequest) -> HttpResponse:
    """The acts (approved and drafts) and, apart, the projections, with who changed what and when."""
    rows = list(Tariff.objects.order_by("-valid_from", "-id"))
    return render(
        request,
        "billing/tariffs.html",
        {
            "tariffs": [t for t in rows if t.status != TariffStatus.PROJECTION],
            "projections": [t for t in rows if t.status == TariffStatus.PROJECTION],
            "last_billed": selectors.last_billed_month(),
            "history": change_history(object_types=TARIFF_HISTORY),
        },
    )


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
            tariff = tariff_services.tariff_create(
                actor=request.user, data=data, projection=form.cleaned_data.get("projection", False)
            )
        except json.JSONDecodeError as exc:
            problems.append(f"JSON inválido: {exc}")
        except TariffInvalid as exc:
            problems.extend(str(p) for p in exc.problems)
        else:
            messages.success(request, f"{_kind(tariff)} {tariff.act} criado: revise.")
            return redirect("billing:tariff", tariff.pk)
    return render(request, "billing/tariff_form.html", {"form": form, "problems": problems})


def _kind(tariff: Tariff) -> str:
    return "Projeção" if tariff.status == TariffStatus.PROJECTION else "Rascunho da tarifa"


def _editor_page(request: HttpRequest, *, tariff: Tariff | None, projection: bool) -> HttpResponse:
    """The form editor of a new draft/projection (`tariff` None) or of an existing one."""
    initial = tariff_services.tariff_json(tariff) if tariff is not None else None
    post = request.POST if request.method == "POST" else None
    op = request.POST.get("op", "save") if post is not None else ""
    if post is not None and op != "save":
        post = tariff_editor.with_added_row(post, op)
    editor = tariff_editor.editor_for(initial, post)
    if post is not None and op == "save" and editor.is_valid():
        data, cat_map, row_map = tariff_editor.editor_json(editor)
        try:
            if tariff is None:
                saved = tariff_services.tariff_create(actor=request.user, data=data, projection=projection)
            else:
                saved = tariff_services.tariff_update(actor=request.user, tariff=tariff, data=data)
        except TariffInvalid as exc:
            tariff_editor.place_problems(editor, list(exc.problems), cat_map, row_map)
        except DomainError as exc:
            editor.problems.append(exc.message)
        else:
            messages.success(request, f"{_kind(saved)} {saved.act} salvo.")
            return redirect("billing:tariff", saved.pk)
    invalid = post is not None and op == "save"
    return render(
        request,
        "billing/tariff_editor.html",
        {
            "editor": editor,
            "tariff": tariff,
            "projection": projection if tariff is None else tariff.status == TariffStatus.PROJECTION,
            "invalid": invalid,
        },
        status=400 if invalid else 200,
    )


@function_required("billing.tariffs", "add")
def tariff_new_view(request: HttpRequest) -> HttpResponse:
    return _editor_page(request, tariff=None, projection=request.GET.get("projecao") == "1")


@function_required("billing.tariffs", "change")
def tariff_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    tariff = get_object_or_404(Tariff, pk=pk)
    if tariff.status == TariffStatus.APPROVED:
        messages.error(request, "Uma tarifa aprovada nunca é alterada: copie-a para um novo rascunho.")
        return redirect("billing:tariff", pk)
    return _editor_page(request, tariff=tariff, projection=False)


@function_required("billing.tariffs")
def tariff_view(request: HttpRequest, pk: int) -> HttpResponse:
    tariff = get_object_or_404(Tariff, pk=pk)
    copy_form = TariffCopyForm(
        request.POST if request.POST.get("op") == "copy" else None,
        initial={"act": "", "valid_from": None},
    )
    if request.method == "POST":
        op = request.POST.get("op", "approve")
        needed = "add" if op == "copy" else "change"
        if not request.user.can("billing.tariffs", needed):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite esta operação nas tarifas.")
            return redirect("billing:tariff", pk)
        try:
            if op == "copy":
                if copy_form.is_valid():
                    copy = tariff_services.tariff_copy(
                        actor=request.user,
                        source=tariff,
                        act=copy_form.cleaned_data["act"],
                        valid_from=copy_form.cleaned_data["valid_from"],
                        projection=copy_form.cleaned_data["projection"],
                    )
                    messages.success(request, f"{_kind(copy)} {copy.act} criado a partir de {tariff.act}.")
                    return redirect("billing:tariff", copy.pk)
            elif op == "discard":
                tariff_services.tariff_discard(actor=request.user, tariff=tariff)
                messages.success(request, f"{_kind(tariff)} {tariff.act} excluído.")
                return redirect("billing:tariffs")
            else:
                tariff_services.tariff_approve(actor=request.user, tariff=tariff, today=tenant_today())
                messages.success(
                    request, f"Tarifa aprovada: vigente a partir de {tariff.valid_from:%d/%m/%Y}."
                )
                return redirect("billing:tariff", pk)
        except TariffInvalid as exc:
            copy_form.add_error(None, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
            if op != "copy":
                return redirect("billing:tariff", pk)
            copy_form.add_error(exc.field if exc.field in copy_form.fields else None, exc.message)
    last_billed = selectors.last_billed_month()
    return render(
        request,
        "billing/tariff.html",
        {
            "tariff": tariff,
            "data": tariff_services.tariff_json(tariff),
            "copy_form": copy_form,
            "last_billed": last_billed,
            "differences": selectors.tariff_differences(tariff),
            "history": change_history(object_types=TARIFF_HISTORY, object_id=tariff.pk),
        },
        status=400 if copy_form.is_bound and copy_form.errors else 200,
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
            "refresh": run.status in (RunStatus.PENDING, RunStatus.RUNNING),
            "held": run_services.held_in_critique(run) if run.status == RunStatus.RELEASED else 0,
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
                        if accepted.status == BillStatus.RELEASED
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
            "open_anomalies": (
                bill.status == BillStatus.DRAFT and bill.anomalies.filter(accepted_at=None).exists()
            ),
            "form": form,
            "replaced_by": bill.replaced_by.all(),
            "notes": selectors.bill_notes(bill),
            "can_waive": request.user.can("billing.second_copy_fee_waive"),  # type: ignore[union-attr]
        },
    )


@function_required("billing.bills")
def bill_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Alterar fatura: the form, a preview of before → after, and the confirmation."""
    bill = get_object_or_404(Bill.objects.select_related("property"), pk=pk)
    form = BillChangeForm(request.POST or None, bill=bill)
    preview = None
    if request.method == "POST":
        if not request.user.can("billing.bills", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite alterar faturas.")
            return redirect("billing:bill", pk)
        if form.is_valid():
            confirm = request.POST.get("op") == "confirm"
            try:
                outcome = rebill_services.rebill(
                    actor=request.user,
                    bill_id=bill.pk,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    preview=not confirm,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if not confirm:
                    preview = outcome
                else:
                    assert outcome.bill is not None
                    messages.success(
                        request,
                        f"Fatura refaturada: nova fatura {outcome.bill.pk}."
                        if outcome.kind == "reissue"
                        else "Fatura alterada.",
                    )
                    return redirect("billing:bill", outcome.bill.pk)
    return render(request, "billing/bill_change.html", {"bill": bill, "form": form, "preview": preview})


@function_required("billing.bills")
def bill_second_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """2ª via: the very PDF of the bill as stored (same amounts, barcode and typeable line), each
    print recorded with its fee (POST `waive_fee` + `reason` waives it, for the profiles that may)."""
    from .legal import may_override
    from .services.second_copy import bill_second_copy

    bill = get_object_or_404(Bill, pk=pk)
    user: Any = request.user
    try:
        bill_second_copy(
            actor=user,
            bill_id=bill.pk,
            may_print_any=user.can("billing.second_copy_all"),
            may_waive=user.can("billing.second_copy_fee_waive"),
            may_override_legal=may_override(user),
            waive_fee=request.method == "POST" and bool(request.POST.get("waive_fee")),
            reason=request.POST.get("reason", "") if request.method == "POST" else "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.code == ErrorCode.LEGAL_LOCKED:  # execução fiscal / dívida ativa (TR S10.12-04)
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        return redirect("billing:bill", pk)
    response = HttpResponse(bill_pdf(bill), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fatura-{bill.pk}-2a-via.pdf"'
    return response


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


TEXT_HISTORY = ["billing.billtext"]


def _text_history(prefix: str) -> list[Any]:
    """The audit rows of one kind of bill text (messages and quality tables share the table)."""
    rows = change_history(object_types=TEXT_HISTORY, limit=120)
    return [e for e in rows if e.action.startswith(prefix)][:30]


def _message_initial(text: BillText) -> dict[str, Any]:
    return {
        "title": text.title,
        "body": text.body,
        "valid_from": f"{text.valid_from:%Y-%m}",
        "valid_until": f"{text.valid_until:%Y-%m}" if text.valid_until else "",
        "billing_group": text.billing_group_id,
        "category": text.category_id,
        "condition": text.condition,
    }


def _message_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "body": data.get("body") or "",
        "valid_from": YearMonth.parse(data["valid_from"]),
        "valid_until": YearMonth.parse(data["valid_until"]) if data.get("valid_until") else None,
        "billing_group": data.get("billing_group"),
        "category": data.get("category"),
        "condition": data.get("condition") or "",
    }


def _save_form(form: Any, save: Any) -> bool:
    try:
        save()
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    return True


@function_required("billing.bill_texts")
def messages_view(request: HttpRequest) -> HttpResponse:
    """The bill messages (by group, category, reference months and condition) and a form for a new one."""
    can_add = request.user.can("billing.bill_texts", "add")  # type: ignore[union-attr]
    form = BillMessageForm(request.POST or None, initial={"valid_from": str(YearMonth.of(tenant_today()))})
    if request.method == "POST":
        if not can_add:
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        if form.is_valid() and _save_form(
            form,
            lambda: text_services.bill_message_create(
                actor=request.user, **_message_fields(form.cleaned_data)
            ),
        ):
            messages.success(request, "Mensagem cadastrada: sai nas faturas emitidas a partir de agora.")
            return redirect("billing:messages")
    rows = BillText.objects.filter(kind=BillText.Kind.MESSAGE).select_related("billing_group", "category")
    return render(
        request,
        "billing/messages.html",
        {
            "form": form,
            "can_add": can_add,
            "rows": rows.order_by("-valid_from", "id"),
            "history": _text_history("billing.message_"),
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("billing.bill_texts")
def message_view(request: HttpRequest, pk: int) -> HttpResponse:
    text = get_object_or_404(BillText, pk=pk, kind=BillText.Kind.MESSAGE)
    can_change = request.user.can("billing.bill_texts", "change")  # type: ignore[union-attr]
    form = BillMessageForm(request.POST or None, initial=_message_initial(text))
    if request.method == "POST":
        if not can_change:
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        if request.POST.get("op") == "delete":
            text_services.bill_message_delete(actor=request.user, message=text)
            messages.success(request, "Mensagem excluída.")
            return redirect("billing:messages")
        if form.is_valid() and _save_form(
            form,
            lambda: text_services.bill_message_update(
                actor=request.user, message=text, **_message_fields(form.cleaned_data)
            ),
        ):
            messages.success(request, "Mensagem salva.")
            return redirect("billing:messages")
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "billing/message.html",
        {
            "form": form,
            "text": text,
            "can_change": can_change,
            "history": change_history(object_types=TEXT_HISTORY, object_id=text.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


@function_required("billing.bill_texts")
def quality_list_view(request: HttpRequest) -> HttpResponse:
    rows = BillText.objects.filter(kind=BillText.Kind.WATER_QUALITY).order_by("-valid_from")
    return render(
        request,
        "billing/quality_list.html",
        {"rows": rows, "history": _text_history("billing.quality_")},
    )


QUALITY_EXTRA_ROWS = 2


def _quality_page(request: HttpRequest, table: BillText | None) -> HttpResponse:
    action = "add" if table is None else "change"
    can_save = request.user.can("billing.bill_texts", action)  # type: ignore[union-attr]
    if request.method == "POST" and not can_save:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    source = table
    if source is None:  # a new month starts from the latest table's parameters
        source = BillText.objects.filter(kind=BillText.Kind.WATER_QUALITY).order_by("-valid_from").first()
    initial_rows = [
        dict(zip(text_services.QUALITY_COLUMNS, r, strict=False)) for r in (source.rows if source else [])
    ]
    if table is None:
        initial_rows = [
            {"parameter": r["parameter"], "standard": r.get("standard", "")} for r in initial_rows
        ]
    rows_formset = forms.formset_factory(QualityRowForm, extra=QUALITY_EXTRA_ROWS, can_delete=True)
    post = request.POST if request.method == "POST" else None
    if post is not None and post.get("op") == "add_row":
        post = post.copy()
        post["row-TOTAL_FORMS"] = str(int(post.get("row-TOTAL_FORMS") or 0) + 1)
    form = QualityTableForm(
        post,
        initial={"month": f"{table.valid_from:%Y-%m}", "title": table.title, "note": table.body}
        if table
        else {"month": str(YearMonth.of(tenant_today()).previous())},
    )
    rows = rows_formset(post, prefix="row", initial=initial_rows)
    if post is not None and post.get("op", "save") == "save" and form.is_valid() and rows.is_valid():
        if request.POST.get("delete") and table is not None:
            text_services.quality_table_delete(actor=request.user, table=table)
            messages.success(request, "Tabela de qualidade da água excluída.")
            return redirect("billing:quality_list")
        cells = [
            text_services.QualityRow(**{k: r[k] for k in text_services.QUALITY_COLUMNS})
            for r in rows.cleaned_data
            if r and not r.get("DELETE")
        ]
        data = form.cleaned_data
        if _save_form(
            form,
            lambda: text_services.quality_table_save(
                actor=request.user,
                month=YearMonth.parse(data["month"]),
                title=data["title"],
                note=data["note"],
                rows=cells,
                table=table,
            ),
        ):
            messages.success(request, f"Tabela de qualidade da água de {data['month']} salva.")
            return redirect("billing:quality_list")
    if not can_save:
        for f in [form, *rows.forms]:
            for field in f.fields.values():
                field.disabled = True
    return render(
        request,
        "billing/quality.html",
        {
            "form": form,
            "rows": rows,
            "table": table,
            "can_save": can_save,
            "history": change_history(object_types=TEXT_HISTORY, object_id=table.pk) if table else [],
        },
        status=400 if post is not None and post.get("op", "save") == "save" else 200,
    )


@function_required("billing.bill_texts", "add")
def quality_new_view(request: HttpRequest) -> HttpResponse:
    return _quality_page(request, None)


@function_required("billing.bill_texts")
def quality_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _quality_page(request, get_object_or_404(BillText, pk=pk, kind=BillText.Kind.WATER_QUALITY))
