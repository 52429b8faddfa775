"""Staff pages of dívida ativa (seed 001 3.2.9.18; ADR 0198): the enrolment (criteria, preview,
commit), the books, a property's enrolled bills with every step (notification, receipt, CDA,
installments, confession term, exclusion, estorno, filing), the reports, the attorney's file and
the parameters. Each step is its own button: the utility runs it when it needs it (3.2.9.18.13)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from modules.access.views import function_required
from modules.collection.models import PaymentDocument
from modules.common.clock import tenant_today
from modules.common.domain.money import format_brl
from modules.common.errors import DomainError
from modules.common.settings_pages import settings_page
from modules.registry.models import Property

from . import active_debt_pdf as pdfs
from . import active_debt_selectors as reads
from . import active_debt_services as services
from .active_debt_forms import (
    ActiveDebtSettingsForm,
    CriteriaForm,
    FilingForm,
    InstallmentsForm,
    NoticeForm,
    ReasonForm,
    ReceiptForm,
    ReportForm,
)
from .models_active_debt import EntryStatus

FUNCTION = services.FUNCTION


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def _csv(header: list[str], rows: list[list[Any]], name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _criteria(form: CriteriaForm) -> reads.Criteria:
    data = form.cleaned_data
    return reads.Criteria(
        due_from=data["due_from"],
        due_to=data["due_to"],
        min_days_overdue=data["min_days_overdue"],
        min_amount=Decimal(data["min_amount"]),
        neighbourhood_id=data["neighbourhood"].pk if data.get("neighbourhood") else None,
    )


@require_http_methods(["GET", "POST"])
@function_required(FUNCTION)
def index_view(request: HttpRequest) -> HttpResponse:
    """Criteria → preview (nothing written) → commit (a new book). The commit re-reads the
    eligible bills under the book lock, so what is written is what is eligible at that instant."""
    today = tenant_today()
    defaults = reads.default_criteria(today)
    initial = {
        "due_from": dt.date(today.year - 1, 1, 1),
        "due_to": defaults.due_to,
        "min_days_overdue": defaults.min_days_overdue,
        "min_amount": defaults.min_amount,
    }
    data = request.POST if request.method == "POST" else (request.GET if "due_from" in request.GET else None)
    form = CriteriaForm(data, initial=initial)
    preview = None
    if request.method == "POST":
        if not request.user.can(FUNCTION, "add"):  # type: ignore[union-attr]
            return render(request, "access/forbidden.html", status=403)
        if form.is_valid():
            try:
                book = services.active_debt_enrol(actor=request.user, criteria=_criteria(form), as_of=today)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if book is None:
                    messages.info(request, "Nenhuma fatura elegível: nada foi inscrito.")
                    return redirect("debt:active_debt")
                messages.success(
                    request,
                    f"Livro {book.number} gerado: {book.entries_count} fatura(s) inscrita(s), "
                    f"R$ {format_brl(book.total)}.",
                )
                return redirect("debt:active_debt_book", book.pk)
    elif data is not None and form.is_valid():
        try:
            preview = reads.eligible(_criteria(form), today)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "debt/active_debt/index.html",
        {
            "form": form,
            "preview": preview,
            "preview_rows": preview.bills[:200] if preview else (),
            "today": today,
            "books": reads.books()[:30],
            "filed": reads.filed_certificates()[:30],
            "can_add": request.user.can(FUNCTION, "add"),  # type: ignore[union-attr]
        },
    )


BOOK_COLUMNS = [
    "livro",
    "folha",
    "linha",
    "matricula",
    "devedor",
    "cpf_cnpj",
    "referencia",
    "vencimento",
    "principal",
    "multa",
    "juros",
    "correcao",
    "total",
    "situacao",
]
REPORT_COLUMNS = ["data", "livro", "folha", "linha", "matricula", "devedor", "referencia", "valor", "detalhe"]


def _book_row(number: int, r: reads.EntryRow) -> list[Any]:
    e = r.entry
    return [
        number,
        e.page,
        e.line,
        e.property.account_number,
        e.debtor_name,
        e.debtor_document,
        f"{e.reference:%m/%Y}",
        f"{e.due_date:%d/%m/%Y}",
        e.principal,
        e.fine,
        e.interest,
        e.correction,
        e.total,
        r.label,
    ]


def _report_row(r: reads.ReportRow) -> list[Any]:
    return [
        f"{r.on:%d/%m/%Y}",
        r.book,
        r.page,
        r.line,
        r.account_number,
        r.debtor,
        f"{r.reference:%m/%Y}",
        r.amount,
        r.detail,
    ]


@function_required(FUNCTION)
def book_view(request: HttpRequest, pk: int) -> HttpResponse:
    book = reads.book_get(pk)
    rows = reads.entry_rows(book.entries.select_related("property").order_by("sequence"))
    if request.GET.get("formato") == "csv":
        return _csv(
            BOOK_COLUMNS, [_book_row(book.number, r) for r in rows], f"livro-divida-ativa-{book.number}"
        )
    pages: dict[int, list[reads.EntryRow]] = {}
    for r in rows:
        pages.setdefault(r.entry.page, []).append(r)
    return render(request, "debt/active_debt/book.html", {"book": book, "pages": sorted(pages.items())})


def _prop(pk: int) -> Property:
    return get_object_or_404(Property.objects.select_related("street", "neighbourhood"), pk=pk)


@function_required(FUNCTION)
def property_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    cdas = reads.property_certificates(prop.pk)
    return render(
        request,
        "debt/active_debt/property.html",
        {
            "p": prop,
            "rows": reads.property_entries(prop.pk),
            "notices": reads.property_notices(prop.pk),
            "cdas": [(c, reads.cda_balance(c)) for c in cdas],
            "confessions": PaymentDocument.objects.filter(
                source="debt.active_debt_confession", property=prop
            ).order_by("-created_at")[:10],
            "notice_form": NoticeForm(),
            "receipt_form": ReceiptForm(initial={"received_on": tenant_today()}),
            "installments_form": InstallmentsForm(),
            "filing_form": FilingForm(initial={"filed_on": tenant_today()}),
            "reason_form": ReasonForm(),
            "can_add": request.user.can(FUNCTION, "add"),  # type: ignore[union-attr]
            "can_change": request.user.can(FUNCTION, "change"),  # type: ignore[union-attr]
            "live": EntryStatus.LIVE,
        },
    )


def _done(request: HttpRequest, pk: int, ok: str, action: Any) -> HttpResponse:
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("debt:active_debt_property", pk)


@require_POST
@function_required(FUNCTION, "add")
def notice_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Escolha o tipo de notificação.")
        return redirect("debt:active_debt_property", prop.pk)
    return _done(
        request,
        prop.pk,
        "Notificação emitida.",
        lambda: services.active_debt_notice_issue(
            actor=request.user, property_id=prop.pk, kind=form.cleaned_data["kind"], as_of=tenant_today()
        ),
    )


@require_POST
@function_required(FUNCTION, "change")
def notice_receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = reads.notice_get(pk)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Informe a data de recebimento.")
        return redirect("debt:active_debt_property", notice.property_id)
    return _done(
        request,
        notice.property_id,
        f"Recebimento da notificação {notice.number} registrado.",
        lambda: services.active_debt_notice_receipt(
            actor=request.user,
            notice_id=notice.pk,
            received_on=form.cleaned_data["received_on"],
            today=tenant_today(),
        ),
    )


@require_POST
@function_required(FUNCTION, "add")
def certificate_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    return _done(
        request,
        prop.pk,
        "Certidão de dívida ativa emitida.",
        lambda: services.active_debt_certificate_issue(
            actor=request.user, property_id=prop.pk, as_of=tenant_today()
        ),
    )


@require_POST
@function_required(FUNCTION, "add")
def installments_view(request: HttpRequest, pk: int) -> HttpResponse:
    cda = reads.cda_get(pk)
    form = InstallmentsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Informe a entrada e o número de parcelas.")
        return redirect("debt:active_debt_property", cda.property_id)
    return _done(
        request,
        cda.property_id,
        f"Parcelamento da CDA {cda.number} firmado.",
        lambda: services.active_debt_installments_create(
            actor=request.user,
            cda_id=cda.pk,
            down_payment=form.cleaned_data["down_payment"],
            count=form.cleaned_data["installments"],
            as_of=tenant_today(),
        ),
    )


@require_POST
@function_required(FUNCTION, "change")
def filing_view(request: HttpRequest, pk: int) -> HttpResponse:
    cda = reads.cda_get(pk)
    form = FilingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Informe o número do processo e a data do ajuizamento.")
        return redirect("debt:active_debt_property", cda.property_id)
    return _done(
        request,
        cda.property_id,
        f"CDA {cda.number} registrada como ajuizada.",
        lambda: services.active_debt_certificate_file(
            actor=request.user,
            cda_id=cda.pk,
            court_number=form.cleaned_data["court_number"],
            filed_on=form.cleaned_data["filed_on"],
            today=tenant_today(),
        ),
    )


@require_POST
@function_required(FUNCTION, "add")
def confession_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _prop(pk)
    return _done(
        request,
        prop.pk,
        "Termo de confissão de dívida emitido.",
        lambda: services.active_debt_confession_issue(
            actor=request.user, property_id=prop.pk, as_of=tenant_today()
        ),
    )


@require_POST
@function_required(FUNCTION, "change")
def entry_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = reads.entry_get(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Informe o motivo.")
        return redirect("debt:active_debt_property", entry.property_id)
    reverse = request.POST.get("action") == "reverse"
    write = services.active_debt_entry_reverse if reverse else services.active_debt_entry_remove
    return _done(
        request,
        entry.property_id,
        f"Inscrição ({entry.location}) {'estornada' if reverse else 'excluída da dívida ativa'}.",
        lambda: write(
            actor=request.user, entry_id=entry.pk, reason=form.cleaned_data["reason"], today=tenant_today()
        ),
    )


@function_required(FUNCTION)
def notice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = reads.notice_get(pk)
    return _pdf(pdfs.notice_pdf(notice), f"notificacao-{notice.number.replace('/', '-')}")


@function_required(FUNCTION)
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    cda = reads.cda_get(pk)
    return _pdf(pdfs.cda_pdf(cda), f"cda-{cda.number.replace('/', '-')}")


@function_required(FUNCTION)
def confession_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(PaymentDocument, pk=pk, source="debt.active_debt_confession")
    return _pdf(pdfs.confession_pdf(document), f"termo-confissao-{document.pk}")


@function_required(FUNCTION)
def reports_view(request: HttpRequest) -> HttpResponse:
    today = tenant_today()
    form = ReportForm(
        request.GET if "kind" in request.GET else None,
        initial={"kind": "enrolled", "start": today.replace(day=1), "end": today},
    )
    rows: list[reads.ReportRow] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            rows = reads.report(data["kind"], data["start"], data["end"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if request.GET.get("formato") == "csv":
                name = f"divida-ativa-{data['kind']}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
                return _csv(REPORT_COLUMNS, [_report_row(r) for r in rows], name)
    return render(
        request,
        "debt/active_debt/reports.html",
        {"form": form, "rows": rows, "total": reads.report_total(rows), "query": request.GET.urlencode()},
    )


@function_required(FUNCTION)
def export_view(request: HttpRequest) -> HttpResponse:
    """The attorney's file to file the fiscal executions (docs/active-debt-export.md)."""
    rows = reads.attorney_rows(include_filed=request.GET.get("ajuizadas") == "1")
    return _csv(
        list(reads.EXPORT_COLUMNS),
        [[r[c] for c in reads.EXPORT_COLUMNS] for r in rows],
        f"divida-ativa-procuradoria-{tenant_today():%Y%m%d}",
    )


@require_http_methods(["GET", "POST"])
@function_required("debt.settings")
def settings_view(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        function="debt.settings",
        form_class=ActiveDebtSettingsForm,
        instance=reads.active_debt_settings(),
        save=services.active_debt_settings_update,
        title="Parâmetros da dívida ativa",
        saved_message="Parâmetros da dívida ativa salvos.",
        redirect_to="debt:active_debt_settings",
        history_types=["debt.activedebtsettings"],
        help_text=(
            "Critérios da inscrição automática pela régua de cobrança (dias de atraso e débito mínimo por "
            "imóvel), linhas por folha do livro, prazo e textos das notificações e a fundamentação legal "
            "impressa na notificação e na certidão de dívida ativa."
        ),
    )
