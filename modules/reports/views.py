"""Staff pages of the reports (/relatorios/): the catalogue searchable by name and number, one
report's run form with its runs (progress bar while running, download when done), a run's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from modules.access.views import function_required
from modules.common.errors import DomainError

from . import selectors, services
from .apis import FUNCTION, report_out, run_file_response
from .domain.spec import LAYOUT_LABELS

FAMILIES = {
    "F1": "Faturamento",
    "F2": "Faturas por atributo ou evento",
    "F3": "Arrecadação e arquivos bancários",
    "F4": "Débito automático",
    "F5": "Cadastro",
    "F6": "Qualidade do cadastro",
    "F7": "Cobrança",
    "F8": "Dívida ativa",
    "F9": "Contabilidade",
    "F10": "Atendimento e campanhas",
    "F11": "Consumo",
}


@function_required(FUNCTION)
def catalogue_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    family = request.GET.get("family", "")
    found = selectors.catalogue_search(q, family)
    groups: dict[str, list[Any]] = {}
    for d in found:
        groups.setdefault(d.family, []).append(d)
    return render(
        request,
        "reports/catalogue.html",
        {
            "q": q,
            "family": family,
            "families": FAMILIES,
            "groups": [(f, FAMILIES.get(f, f), ds) for f, ds in groups.items()],
            "count": len(found),
            "recent": selectors.run_list(user=request.user)[:8],
        },
    )


def _params_from(post: Any, names: list[str]) -> dict[str, str]:
    return {n: post.get(n, "").strip() for n in names if post.get(n, "").strip()}


@function_required(FUNCTION)
def report_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        definition = selectors.definition_get(code)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:catalogue")
    out = report_out(definition)
    error, field, values = "", "", {}
    if request.method == "POST":
        values = _params_from(request.POST, [p["name"] for p in out["parameters"]])
        for p in out["parameters"]:
            p["value"] = values.get(p["name"], "")
        try:
            run = services.report_run_request(
                actor=request.user, code=code, params=values, fmt=request.POST.get("format", "csv")
            )
            return redirect("reports:run", run.pk)
        except DomainError as exc:
            error, field = exc.message, exc.field or ""
    return render(
        request,
        "reports/report.html",
        {
            "d": definition,
            "out": out,
            "layout": LAYOUT_LABELS[definition.layout],
            "family": FAMILIES.get(definition.family, definition.family),
            "error": error,
            "error_field": field,
            "values": values,
            "runs": [_with_shown(r) for r in selectors.run_list(code=code)[:20]],
        },
        status=400 if error else 200,
    )


@function_required(FUNCTION)
def run_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run = selectors.run_get(pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:catalogue")
    if request.method == "POST":
        again = services.report_run_again(actor=request.user, run=run)
        return redirect("reports:run", again.pk)
    return render(
        request,
        "reports/run.html",
        {
            "run": run,
            "refresh": run.status in {"queued", "running"},
            "d": (d := _definition_or_none(run.code)),
            "params": _labelled_params(d, run.params),
            "totals": _labelled_totals(d, run.totals),
        },
    )


def _labelled_params(d: Any, params: dict[str, Any]) -> list[tuple[str, Any]]:
    labels = {p["name"]: p["label"] for p in report_out(d)["parameters"]} if d else {}
    return [(labels.get(k, k), v) for k, v in params.items()]


def _labelled_totals(d: Any, totals: dict[str, Any]) -> list[tuple[str, str]]:
    from decimal import Decimal

    from .outputs import br_money

    labels = {m.name: m.label for m in d.measures} if d else {}
    return [
        (labels.get(k, k), br_money(Decimal(v)) if isinstance(v, str) else str(v)) for k, v in totals.items()
    ]


def _with_shown(run: Any) -> Any:
    run.shown_params = "; ".join(
        f"{k}: {v}" for k, v in _labelled_params(_definition_or_none(run.code), run.params)
    )
    return run


def _definition_or_none(code: str) -> Any:
    try:
        return selectors.definition_get(code)
    except DomainError:
        return None


@function_required(FUNCTION)
def run_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        return run_file_response(selectors.run_get(pk))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:run", pk)
