"""Staff pages of the registry: one search box, the 360° property page, forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import PAGE_SIZES, function_required, page_of
from modules.common.errors import DomainError, ValidationFailed
from modules.common.forms import form_error

from . import selectors
from .domain.economies import CategoryShare
from .errors import ErrorCode
from .forms import (
    ConnectionForm,
    CustomerForm,
    EconomiesForm,
    PropertyForm,
    SituationForm,
    TransferForm,
)
from .models import Customer, Property, ServiceConnection
from .panels import panels_for
from .services.connections import connection_change_situation, connection_create
from .services.customers import clean_document, customer_create, customer_document_register, customer_update
from .services.location import PARTS, inscription_typed
from .services.properties import property_create, property_set_categories
from .services.relations import relation_transfer


def _shares(form: EconomiesForm) -> list[CategoryShare]:
    return [
        CategoryShare(name.removeprefix("cat_"), value)
        for name, value in form.cleaned_data.items()
        if name.startswith("cat_") and value not in (None, 0)
    ]


@function_required("registry.properties")
def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = selectors.search_properties(query) if query else None
    page, size = page_of(request, found.results) if found else (None, 25)
    return render(
        request,
        "registry/search.html",
        {"q": query, "page": page, "page_size": size, "page_sizes": PAGE_SIZES, "query": f"q={query}",
         "found": found},
    )  # fmt: skip


@function_required("registry.properties")
def property_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = selectors.property_360(pk)
    except Property.DoesNotExist:
        raise Http404 from None
    ctx = {
        "v": view,
        "p": view.prop,
        "panels": panels_for(view.prop),
        "situation_form": SituationForm(),
        "transfer_form": TransferForm(),
        "connection_form": ConnectionForm(),
        "economies_form": EconomiesForm(
            shares={c.category.code: c.economies for c in view.prop.categories.all()},
            plans={c.category.code: c.usage_plan.code for c in view.prop.categories.all() if c.usage_plan},
        ),
    }
    return render(request, "registry/property.html", ctx)


@function_required("registry.properties", "add")
def property_create_view(request: HttpRequest) -> HttpResponse:
    form = PropertyForm(request.POST or None)
    economies = EconomiesForm(request.POST or None, shares={"RES": 1})
    if request.method == "POST" and form.is_valid() and economies.is_valid():
        data = dict(form.cleaned_data)
        holder_doc = data.pop("holder_cpf_cnpj")
        try:
            if holder_doc:
                digits, _ = clean_document(holder_doc)
                holder = Customer.objects.filter(cpf_cnpj=digits).first()
                if holder is None:
                    raise ValidationFailed(
                        "Nenhum cliente com este CPF/CNPJ.",
                        field="holder_cpf_cnpj",
                        code=ErrorCode.CUSTOMER_NOT_FOUND,
                    )
                data["holder"] = holder
            typed = data.pop("inscription", "").strip()
            if typed:  # with or without its check digits; wrong ones are refused
                data |= dict(zip(PARTS, inscription_typed(typed).parts(), strict=True))
            data["sublot"] = data.get("sublot") or 0
            prop = property_create(actor=request.user, categories=_shares(economies), **data)
        except DomainError as exc:
            if exc.field in ("categories", "economies"):
                economies.add_error(None, exc.message)
            else:
                form_error(form, exc)
        else:
            messages.success(request, f"Imóvel cadastrado: matrícula {prop.account_number}.")
            return redirect("registry:property", prop.pk)
    return render(request, "registry/property_form.html", {"form": form, "economies": economies})


@function_required("registry.properties", "change")
def property_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    prop = get_object_or_404(Property, pk=pk)
    try:
        if action == "connection":
            form: Any = ConnectionForm(request.POST)
            if form.is_valid():
                connection_create(actor=request.user, prop=prop, **form.cleaned_data)
                messages.success(request, "Ligação cadastrada.")
        elif action == "situation":
            form = SituationForm(request.POST)
            sc = get_object_or_404(ServiceConnection, pk=request.POST.get("connection"), property=prop)
            if form.is_valid():
                connection_change_situation(actor=request.user, connection_obj=sc, **form.cleaned_data)
                messages.success(request, "Situação da ligação alterada.")
        elif action == "transfer":
            form = TransferForm(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                digits, _ = clean_document(data.pop("cpf_cnpj"))
                customer = Customer.objects.filter(cpf_cnpj=digits).first()
                if customer is None:
                    raise ValidationFailed(
                        "Nenhum cliente com este CPF/CNPJ.",
                        field="cpf_cnpj",
                        code=ErrorCode.CUSTOMER_NOT_FOUND,
                    )
                relation_transfer(actor=request.user, prop=prop, customer=customer, **data)
                messages.success(request, "Titularidade registrada.")
        elif action == "economies":
            if not request.user.can("registry.economies", "change"):  # type: ignore[union-attr]
                messages.error(request, "Seu perfil não permite alterar economias.")
                return redirect("registry:property", pk)
            form = EconomiesForm(request.POST, plans={})
            if form.is_valid():
                shares = _shares(form)
                held = {share.category for share in shares}
                plans = {
                    name.removeprefix("plan_"): value or ""
                    for name, value in form.cleaned_data.items()
                    if name.startswith("plan_") and name.removeprefix("plan_") in held
                }
                property_set_categories(actor=request.user, prop=prop, categories=shares, plans=plans)
                messages.success(request, "Categorias e economias atualizadas.")
        else:
            return redirect("registry:property", pk)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {' '.join(errors)}"
                )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("registry:property", pk)


@function_required("registry.customers")
def customers_view(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    page, size = page_of(request, selectors.customer_list(text=q))
    return render(
        request,
        "registry/customers.html",
        {"page": page, "page_size": size, "page_sizes": PAGE_SIZES, "query": f"q={q}"},
    )


@function_required("registry.customers", "add")
def customer_create_view(request: HttpRequest) -> HttpResponse:
    return _customer_form(request, None)


@function_required("registry.customers", "change")
def customer_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Editing an existing customer is a change, not an add: a profile may have one without the other."""
    return _customer_form(request, pk)


def _customer_form(request: HttpRequest, pk: int | None) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk) if pk else None
    initial = {f: getattr(customer, f) for f in CustomerForm.base_fields} if customer else None
    if customer:
        initial["cpf_cnpj"] = customer.document_display if customer.has_document else ""  # type: ignore[index]
    form = CustomerForm(request.POST or None, initial=initial)
    if customer:
        form.fields["kind"].disabled = True
        if customer.has_document:  # the document identifies the customer: never edited
            form.fields["cpf_cnpj"].disabled = True
        else:
            form.fields["cpf_cnpj"].help_text = "Cliente sem CPF/CNPJ: informe-o para cadastrá-lo."
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if customer:
                document = data.pop("cpf_cnpj")
                data.pop("kind")
                with transaction.atomic():
                    if not customer.has_document and document:
                        customer_document_register(actor=request.user, customer=customer, cpf_cnpj=document)
                    customer_update(actor=request.user, customer=customer, **data)
            else:
                customer = customer_create(actor=request.user, **data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Cliente {customer.name} salvo.")
            return redirect("registry:customer_edit", customer.pk)
    relations = customer.relations.select_related("property").order_by("end", "-start") if customer else []
    return render(
        request, "registry/customer_form.html", {"form": form, "customer": customer, "relations": relations}
    )
