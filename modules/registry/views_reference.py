"""Staff pages of the reference tables ("Tabelas do cadastro"): an index, one list page per table
with its create form, and one page per row to edit, deactivate or remove it (and, for a billing
group, to order its routes); every page shows who changed what and when."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse

from modules.access.services.sign_in import access_denied_record
from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.errors import DomainError
from modules.common.selectors import change_history

from . import selectors
from .models import BillingGroup, Route
from .services.reference import (
    reference_create,
    reference_remove,
    reference_set_active,
    reference_update,
    route_reorder,
)
from .tables import BY_SLUG, TABLES, Table, table_form


def _table(slug: str) -> Table:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def table_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The table's own function (`Table.function`), view access, as `function_required` checks it."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        table = _table(slug)
        user: Any = request.user
        if not user.can(table.function, "view"):
            access_denied_record(user=user, function=table.function, action="view", path=request.path)
            return _forbidden(request)
        return view(request, table, *args, **kwargs)

    return wrapper


def _cell(row: models.Model, name: str) -> str:
    display = getattr(row, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(row, name)
    if value is None or value == "":
        return "—"
    return str(value)


def _headers(table: Table) -> list[str]:
    labels = []
    for name in table.columns:
        label = str(table.model._meta.get_field(name).verbose_name)
        labels.append(label[:1].upper() + label[1:])
    return labels


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _field_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _index(request: HttpRequest, title: str, help_text: str) -> HttpResponse:
    user: Any = request.user
    tables = [(t, t.model._default_manager.count()) for t in TABLES.values() if user.can(t.function, "view")]
    return render(
        request,
        "registry/reference_index.html",
        {
            "tables": tables,
            "title": title,
            "help_text": help_text,
            "numbering": user.can("registry.reference", "view"),
        },
    )


@function_required("registry.reference")
def reference_index_view(request: HttpRequest) -> HttpResponse:
    return _index(
        request,
        "Tabelas do cadastro",
        "Municípios, localidades, setores e quadras da inscrição; bairros e logradouros"
        " (e, conforme o perfil, categorias, planos, grupos e rotas).",
    )


@function_required("registry.classification")
def classification_index_view(request: HttpRequest) -> HttpResponse:
    return _index(
        request,
        "Categorias, grupos e rotas",
        "Categorias, subcategorias e planos de utilização; grupos de faturamento e suas rotas.",
    )


@table_required
def reference_list_view(request: HttpRequest, table: Table) -> HttpResponse:
    slug = table.slug
    can_add = request.user.can(table.function, "add")
    form = table_form(table, data=request.POST or None)
    if request.method == "POST":
        if not can_add:
            return _forbidden(request)
        if form.is_valid():
            try:
                row = reference_create(actor=request.user, table=table.key, data=request.POST.dict())
            except DomainError as exc:
                _field_error(form, exc)
            else:
                messages.success(request, f"{table.singular.capitalize()} {row} cadastrad{table.article()}.")
                return redirect("registry:reference_list", slug=slug)
    text = request.GET.get("q", "").strip()
    show_inactive = request.GET.get("inativos") == "1"
    qs = selectors.reference_rows(table.key, text=text, inactive=show_inactive)
    page, size = page_of(request, qs)
    rows = [(row, [_cell(row, c) for c in table.columns]) for row in page]
    query = f"q={text}" + ("&inativos=1" if show_inactive else "")
    return render(
        request,
        "registry/reference_list.html",
        {"table": table, "headers": _headers(table), "rows": rows, "page": page, "page_size": size,
         "page_sizes": PAGE_SIZES, "query": query, "q": text, "show_inactive": show_inactive, "form": form,
         "can_add": can_add, "history": change_history(object_types=[table.action])},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _row_action(request: HttpRequest, table: Table, row: Any) -> HttpResponse | None:
    """The buttons under the form: deactivate, reactivate, remove, move a route up or down."""
    action = request.POST.get("action", "")
    user: Any = request.user
    needed = "delete" if action == "remove" else "change"
    if not user.can(table.function, needed):
        return _forbidden(request)
    list_url = reverse("registry:reference_list", kwargs={"slug": table.slug})
    here = reverse("registry:reference_edit", kwargs={"slug": table.slug, "pk": row.pk})
    a = table.article()
    try:
        if action in ("deactivate", "reactivate"):
            reference_set_active(
                actor=user, table=table.key, pk=row.pk, active=action == "reactivate",
                reason=request.POST.get("reason", ""),
            )  # fmt: skip
            done = "reativad" if action == "reactivate" else "desativad"
            messages.success(request, f"{table.singular.capitalize()} {row} {done}{a}.")
            return redirect(here)
        if action == "remove":
            reference_remove(actor=user, table=table.key, pk=row.pk)
            messages.success(request, f"{table.singular.capitalize()} {row} removid{a}.")
            return redirect(list_url)
        if action.startswith(("up:", "down:")) and isinstance(row, BillingGroup):
            direction, _, code = action.partition(":")
            codes = list(Route.objects.filter(group=row).values_list("code", flat=True))
            index = codes.index(int(code))
            other = index - 1 if direction == "up" else index + 1
            if 0 <= other < len(codes):
                codes[index], codes[other] = codes[other], codes[index]
                route_reorder(actor=user, group_id=row.pk, route_codes=codes)
                messages.success(request, "Ordem das rotas alterada.")
            return redirect(here)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(here)
    except ValueError:
        pass
    raise Http404


@table_required
def reference_edit_view(request: HttpRequest, table: Table, pk: int) -> HttpResponse:
    slug = table.slug
    row = table.model._default_manager.filter(pk=pk).first()
    if row is None:
        raise Http404
    user: Any = request.user
    can_change = user.can(table.function, "change")
    if request.method == "POST" and request.POST.get("action"):
        response = _row_action(request, table, row)
        assert response is not None
        return response
    form = table_form(table, data=request.POST or None, instance=row)
    if request.method == "POST":
        if not can_change:
            return _forbidden(request)
        if form.is_valid():
            try:
                reference_update(actor=user, table=table.key, pk=row.pk, data=request.POST.dict())
            except DomainError as exc:
                _field_error(form, exc)
            else:
                messages.success(request, f"{table.singular.capitalize()} alterad{table.article()}.")
                return redirect("registry:reference_edit", slug=slug, pk=pk)
        row.refresh_from_db()
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    routes = list(Route.objects.filter(group=row)) if isinstance(row, BillingGroup) else []
    return render(
        request,
        "registry/reference_edit.html",
        {"table": table, "row": row, "form": form, "can_change": can_change,
         "can_delete": user.can(table.function, "delete"), "routes": routes,
         "history": change_history(object_types=[table.action], object_id=row.pk)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip
