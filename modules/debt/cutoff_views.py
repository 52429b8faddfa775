"""Staff pages of the cut-off side of collection: the cut-off policy (settings), the collection
ladder's preview and run, the cut notices with their actions, and the cut-order queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.clock import tenant_today
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError
from modules.common.forms import form_error
from modules.common.selectors import change_history

from . import cutoff_policy, ladder, notices, pdf
from .domain.cutoff import WEEKDAY_NAMES
from .models_cutoff import CollectionBlock, CutNotice, CutoffPolicy

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CutoffPolicyForm(forms.Form):
    effective_from = forms.DateField(label="Vigência a partir de", widget=DATE)
    notice_days = forms.IntegerField(label="Dias do aviso até o corte", min_value=0, max_value=365)
    forbidden_weekdays = forms.TypedMultipleChoiceField(
        label="Dias da semana sem início de corte",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Sexta-feira, sábado e domingo são proibidos pela Lei 14.015/2020.",
    )
    forbid_holiday_eve = forms.BooleanField(label="Sem corte na véspera de feriado", required=False)
    observe_optional_holidays = forms.BooleanField(
        label="Sem corte no Carnaval e em Corpus Christi", required=False
    )
    business_start = forms.TimeField(label="Início do horário comercial", widget=TIME)
    business_end = forms.TimeField(label="Fim do horário comercial", widget=TIME)
    min_overdue_bills = forms.IntegerField(label="Mínimo de contas vencidas", min_value=1)
    min_debt = forms.DecimalField(label="Débito mínimo (R$)", min_value=0, decimal_places=2, localize=True)
    min_days_overdue = forms.IntegerField(label="Mínimo de dias de atraso", min_value=0)
    notice_fee = forms.DecimalField(
        label="Taxa do aviso (R$, 0 = sem cobrança)", min_value=0, decimal_places=2, localize=True
    )
    allow_multiple_pending = forms.BooleanField(label="Permite mais de um aviso pendente", required=False)
    notify_already_cut = forms.BooleanField(label="Avisa unidades já cortadas", required=False)
    print_barcode = forms.BooleanField(label="Imprime código de barras no aviso", required=False)
    notices_with_reading_batch = forms.BooleanField(
        label="Emite os avisos com a carga de leitura (impressos no coletor após a conta)", required=False
    )
    protected_categories = forms.CharField(
        label="Categorias protegidas (códigos, separados por vírgula)", required=False
    )
    notice_message = forms.CharField(
        label="Mensagem do aviso", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    order_priority = forms.ChoiceField(
        label="Prioridade das ordens de corte", choices=CutoffPolicy.Priority.choices
    )
    max_orders_per_day = forms.IntegerField(label="Máximo de ordens de corte por dia", min_value=0)
    min_notice_amount = forms.DecimalField(
        label="Valor mínimo do aviso para a ordem (R$)", min_value=0, decimal_places=2, localize=True
    )
    order_message = forms.CharField(
        label="Mensagem da ordem de corte", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    second_level_after_days = forms.IntegerField(label="Dias até o corte no ramal", min_value=1)
    reconnection_hours = forms.IntegerField(label="Prazo da religação após pagamento (horas)", min_value=1)
    reminder_days_overdue = forms.IntegerField(label="Dias de atraso para o lembrete", min_value=0)
    daily_steps = forms.MultipleChoiceField(
        label="Etapas executadas diariamente",
        choices=[(c, ladder.STEP_LABELS[c]) for c in ladder.STEP_CODES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    # 3.2.9.12.6: the weekdays and hours each cut level's orders are generated in
    level1_weekdays = forms.TypedMultipleChoiceField(
        label="1º nível (cavalete): dias de geração das ordens",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Nenhum marcado: todo dia em que a lei permite o corte.",
    )
    level1_start = forms.TimeField(label="1º nível: gera a partir de", widget=TIME, required=False)
    level1_end = forms.TimeField(label="1º nível: gera até", widget=TIME, required=False)
    level2_weekdays = forms.TypedMultipleChoiceField(
        label="2º nível (ramal): dias de geração das ordens",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Nenhum marcado: todo dia em que a lei permite o corte.",
    )
    level2_start = forms.TimeField(label="2º nível: gera a partir de", widget=TIME, required=False)
    level2_end = forms.TimeField(label="2º nível: gera até", widget=TIME, required=False)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("effective_from")
        windows: dict[str, Any] = {}
        for n, level in ((1, "meter_stand"), (2, "branch")):
            days, start, end = (data.pop(f"level{n}_{k}") for k in ("weekdays", "start", "end"))
            window: dict[str, Any] = {"weekdays": list(days or [])}
            if start or end:
                window["hours"] = [f"{start:%H:%M}" if start else "", f"{end:%H:%M}" if end else ""]
            windows[level] = window
        data["level_windows"] = windows
        data["business_hours"] = [f"{data.pop('business_start'):%H:%M}", f"{data.pop('business_end'):%H:%M}"]
        data["protected_categories"] = [
            c.strip() for c in data["protected_categories"].split(",") if c.strip()
        ]
        for name in ("min_debt", "notice_fee", "min_notice_amount"):
            data[name] = str(data[name])
        return data


def _initial(policy: CutoffPolicy, today: dt.date) -> dict[str, Any]:
    out = cutoff_policy.policy_export(policy)
    out["effective_from"] = today
    out["business_start"], out["business_end"] = out.pop("business_hours")
    out["protected_categories"] = ", ".join(out["protected_categories"])
    windows = out.pop("level_windows")
    for n, level in ((1, "meter_stand"), (2, "branch")):
        window = windows.get(level, {})
        out[f"level{n}_weekdays"] = window.get("weekdays", [])
        out[f"level{n}_start"], out[f"level{n}_end"] = window.get("hours", [None, None])
    return out


@function_required("debt.settings")
@require_http_methods(["GET", "POST"])
def cutoff_policy_view(request: HttpRequest) -> HttpResponse:
    """The cut-off policy in force (the defaults on a fresh utility), its versions, and a new version
    from a date with the function's change grant; what the law forbids is refused on its field."""
    today = tenant_today()
    can_change = request.user.can("debt.settings", "change")  # type: ignore[union-attr]
    if request.method == "POST" and not can_change:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    current = cutoff_policy.policy_in_force(today)
    form = CutoffPolicyForm(request.POST or None, initial=_initial(current, today))
    if request.method == "POST" and form.is_valid():
        try:
            cutoff_policy.cutoff_policy_put(
                actor=request.user,  # type: ignore[arg-type]
                values=form.values(),
                today=today,
                effective_from=form.cleaned_data["effective_from"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Política de corte salva.")
            return redirect("debt:cutoff_policy")
    return render(
        request,
        "debt/cutoff_policy.html",
        {
            "form": form,
            "current": current,
            "versions": CutoffPolicy.objects.order_by("-effective_from")[:20],
            "today": today,
            "can_change": can_change,
            "forbidden_names": [WEEKDAY_NAMES[int(d)] for d in sorted(current.forbidden_weekdays)],
            "history": change_history(object_types=["debt.cutoffpolicy"]),
        },
    )


class LadderForm(forms.Form):
    step = forms.ChoiceField(label="Etapa", choices=[])
    as_of = forms.DateField(label="Data de referência", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.code, s.label) for s in ladder.registered()]  # type: ignore[attr-defined]


@function_required("debt.collection")
@require_http_methods(["GET", "POST"])
def ladder_view(request: HttpRequest) -> HttpResponse:
    """The ladder: a step and a date, the preview (counts and amounts, nothing written) and, with
    the function's add grant, the run that commits the same selection."""
    today = tenant_today()
    data = request.POST if request.method == "POST" else (request.GET if "step" in request.GET else None)
    form = LadderForm(data, initial={"as_of": today})
    result = None
    if data is not None and form.is_valid():
        step, as_of = form.cleaned_data["step"], form.cleaned_data["as_of"]
        try:
            if request.method == "POST":
                if not request.user.can("debt.collection", "add"):  # type: ignore[union-attr]
                    return HttpResponseForbidden(render(request, "access/forbidden.html").content)
                done = ladder.run(step, as_of=as_of, actor=request.user)  # type: ignore[arg-type]
                messages.success(
                    request,
                    f"{ladder.STEP_LABELS[step]}: {done.written} registro(s) gravado(s) "
                    f"({done.properties} imóvel(is), R$ {format_brl(done.amount)}).",
                )
                return redirect(f"{request.path}?step={step}&as_of={as_of.isoformat()}")
            result = ladder.preview(step, as_of=as_of)
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "debt/ladder.html",
        {
            "form": form,
            "result": result,
            "step_label": ladder.STEP_LABELS.get(result.step, result.step) if result else "",
            "rows": [
                {
                    **r,
                    "date": f"{dt.date.fromisoformat(r['date']):%d/%m/%Y}",
                    "amount": format_brl(Decimal(r["amount"])),
                }
                for r in (result.rows if result else ())
            ],
            "registered_codes": [s.code for s in ladder.registered()],
            "daily": cutoff_policy.policy_in_force(today).daily_steps,
            "labels": ladder.STEP_LABELS,
            "can_run": request.user.can("debt.collection", "add"),  # type: ignore[union-attr]
        },
    )


class NoticeFilter(forms.Form):
    status = forms.ChoiceField(
        label="Situação", choices=[("", "Todas"), *CutNotice.Status.choices], required=False
    )
    account = forms.CharField(label="Matrícula", required=False)


@function_required("debt.collection")
def notices_view(request: HttpRequest) -> HttpResponse:
    """The cut notices, newest first, filtered by situation and account; a pending one may be
    cancelled or get a new cut day (the forms post to the actions below)."""
    filters = NoticeFilter(request.GET or None)
    rows = CutNotice.objects.select_related("property").order_by("-issued_on", "-id")
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            rows = rows.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["account"]:
            rows = rows.filter(property__account_number__startswith=filters.cleaned_data["account"].strip())
    page, size = page_of(request, rows)
    return render(
        request,
        "debt/notices.html",
        {
            "filters": filters,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "can_change": request.user.can("debt.collection", "change"),  # type: ignore[union-attr]
            "blocks": CollectionBlock.objects.select_related("property").order_by("-starts_on", "-id")[:20],
            "scopes": CollectionBlock.Scope.choices,
        },
    )


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


@function_required("debt.collection", "change")
@require_POST
def notice_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    try:
        if action == "cancelar":
            notices.notice_cancel(actor=request.user, notice_id=pk, reason=reason)  # type: ignore[arg-type]
            messages.success(request, "Aviso de corte cancelado.")
        else:
            raw = request.POST.get("cut_from", "")
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                messages.error(request, "Informe a nova data de corte.")
                return redirect("debt:notices")
            notices.notice_reschedule(actor=request.user, notice_id=pk, cut_from=day, reason=reason)  # type: ignore[arg-type]
            messages.success(request, f"Nova data de corte: {day:%d/%m/%Y}.")
    except DomainError as exc:
        _refused(request, exc)
    return redirect("debt:notices")


@function_required("debt.collection", "change")
@require_POST
def block_view(request: HttpRequest) -> HttpResponse:
    """3.2.9.15 from the notices page: a unit (by account number) kept out of notices and/or orders."""
    from modules.registry.models import Property

    account = request.POST.get("account", "").strip()
    prop = Property.objects.filter(account_number=account).first()
    if prop is None:
        messages.error(request, f"Matrícula não encontrada: {account or '—'}.")
        return redirect("debt:notices")
    raw_end = request.POST.get("ends_on", "")
    try:
        ends_on = dt.date.fromisoformat(raw_end) if raw_end else None
        notices.block_create(
            actor=request.user,  # type: ignore[arg-type]
            property_id=prop.pk,
            scope=request.POST.get("scope", CollectionBlock.Scope.BOTH),
            ends_on=ends_on,
            reason=request.POST.get("reason", ""),
            today=tenant_today(),
        )
        messages.success(request, f"Matrícula {prop.account_number} bloqueada para a cobrança.")
    except ValueError:
        messages.error(request, "Data final inválida.")
    except DomainError as exc:
        _refused(request, exc)
    return redirect("debt:notices")


@function_required("debt.collection")
def notice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as printed (3.2.9.7): bills, cut day, message, barcode."""
    notice = get_object_or_404(CutNotice.objects.select_related("property", "document"), pk=pk)
    response = HttpResponse(pdf.cut_notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aviso-de-corte-{notice.pk}.pdf"'
    return response


@function_required("debt.collection")
def cut_orders_view(request: HttpRequest) -> HttpResponse:
    """The cut-order queue: expired notices that today's generation would order (priority and cap
    of the policy), and the notices already turned into cut orders."""
    today = tenant_today()
    policy = cutoff_policy.policy_in_force(today)
    queue = notices.order_selection(today, policy)
    ordered = (
        CutNotice.objects.filter(status=CutNotice.Status.ORDERED)
        .select_related("property")
        .order_by("-closed_on", "-id")
    )
    page, size = page_of(request, ordered)
    return render(
        request,
        "debt/cut_orders.html",
        {
            "today": today,
            "policy": policy,
            "queue": queue,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "can_run": request.user.can("debt.collection", "add"),  # type: ignore[union-attr]
            "day_problem": notices.cut_day_problem_today(today, policy),
        },
    )


class LetterForm(forms.Form):
    account_number = forms.CharField(label="Matrícula", required=False)
    route_from = forms.IntegerField(label="Rota de", required=False, min_value=0)
    route_to = forms.IntegerField(label="Rota até", required=False, min_value=0)
    reference_from = forms.DateField(label="Referência de", required=False, widget=DATE)
    reference_to = forms.DateField(label="Referência até", required=False, widget=DATE)
    amount_min = forms.DecimalField(label="Débito de (R$)", required=False, min_value=0, localize=True)
    amount_max = forms.DecimalField(label="Débito até (R$)", required=False, min_value=0, localize=True)
    bills_min = forms.IntegerField(label="Contas vencidas de", required=False, min_value=1)
    bills_max = forms.IntegerField(label="Contas vencidas até", required=False, min_value=1)
    months_in_arrears = forms.IntegerField(label="Meses em atraso (mínimo)", required=False, min_value=0)
    categories = forms.CharField(label="Categorias (códigos, separados por vírgula)", required=False)
    property_status = forms.ChoiceField(
        label="Situação do imóvel",
        required=False,
        choices=[("", "Todas"), ("active", "Ativo"), ("inactive", "Inativo")],
    )

    def filters(self) -> Any:
        from .letters import LetterFilters

        d = self.cleaned_data
        return LetterFilters(
            account_number=d["account_number"] or "",
            route_from=d["route_from"],
            route_to=d["route_to"],
            reference_from=d["reference_from"],
            reference_to=d["reference_to"],
            amount_min=d["amount_min"],
            amount_max=d["amount_max"],
            bills_min=d["bills_min"] or 1,
            bills_max=d["bills_max"],
            months_in_arrears=d["months_in_arrears"] or 0,
            categories=tuple(c.strip() for c in (d["categories"] or "").split(",") if c.strip()),
            property_status=d["property_status"] or "",
        )


@function_required("debt.collection")
@require_http_methods(["GET", "POST"])
def letters_view(request: HttpRequest) -> HttpResponse:
    """3.2.9.6: the units in arrears the filters choose (preview) and, with the add grant, one
    letter each: a payable statement with its barcode (the PDF links)."""
    from .letters import letter_selection, letters_issue

    today = tenant_today()
    form = LetterForm(request.POST if request.method == "POST" else (request.GET or None))
    rows: list[Any] = []
    issued: list[Any] = []
    if form.is_bound and form.is_valid():
        try:
            if request.method == "POST":
                if not request.user.can("debt.collection", "add"):  # type: ignore[union-attr]
                    return HttpResponseForbidden(render(request, "access/forbidden.html").content)
                issued = letters_issue(actor=request.user, filters=form.filters(), as_of=today)  # type: ignore[arg-type]
                messages.success(request, f"{len(issued)} carta(s) de cobrança emitida(s).")
            else:
                rows = letter_selection(form.filters(), today)
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "debt/letters.html",
        {
            "form": form,
            "rows": rows,
            "issued": issued,
            "total": sum((r.total for r in rows), Decimal("0.00")),
            "can_run": request.user.can("debt.collection", "add"),  # type: ignore[union-attr]
        },
    )
