"""Staff pages of rental contracts (seed 002 §10.15) and of a unit's addresses (3.2.13.10.3), and the
section of the 360° property page that links them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.domain.documents import strip_document
from modules.common.errors import DomainError, ValidationFailed

from . import selectors_rental as sel
from .errors import ErrorCode
from .models import Customer, Neighbourhood, Property, Street
from .models_rental import RentalContract
from .services import rental, unit_addresses
from .services.properties import property_update


def rental_panel(prop: Any) -> tuple[str, dict[str, Any]]:
    """The 360° page's section: contracts, the responsible party today, delivery address, links."""
    today = tenant_today()
    return "registry/_rental_panel.html", {
        "contracts": sel.contracts_of(prop)[:5],
        "responsible": sel.responsible_on(prop, today),
        "delivery": sel.delivery_address(prop.pk),
        "alternatives": sum(1 for a in sel.addresses_of(prop) if a.active),
    }


def _date(raw: str | None, field: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("Data inválida.", field=field, code=ErrorCode.RENTAL_DATES_INVALID) from None


def _customer(raw: str) -> Customer:
    chars = strip_document(raw or "")
    customer = Customer.objects.filter(cpf_cnpj=chars).first() if chars else None
    if customer is None:
        raise ValidationFailed(
            "Nenhum cliente com este CPF/CNPJ: cadastre o inquilino antes.",
            field="tenant",
            code=ErrorCode.CUSTOMER_NOT_FOUND,
        )
    return customer


@function_required("registry.properties")
def rental_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(Property.objects.select_related("street", "neighbourhood"), pk=pk)
    checklist = rental.rental_checklist()
    if request.method == "POST":
        if not request.user.can("registry.properties", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite registrar contratos de locação.")
            return redirect("registry:rental", pk)
        try:
            contract = rental.rental_contract_register(
                actor=request.user,
                prop=prop,
                tenant=_customer(request.POST.get("tenant", "")),
                start=_date(request.POST.get("start"), "start"),
                end=_date(request.POST.get("end"), "end"),
                documents=request.POST.getlist("documents"),
                notes=request.POST.get("notes", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Contrato de locação registrado: {contract.tenant.name} responde pelo imóvel de "
                f"{contract.start:%d/%m/%Y} a {contract.end:%d/%m/%Y}.",
            )
        return redirect("registry:rental", pk)
    on_raw = request.GET.get("on", "")
    try:
        on = _date(on_raw, "on") or tenant_today()
    except DomainError as exc:
        messages.error(request, exc.message)
        on = tenant_today()
    ctx = {
        "p": prop,
        "checklist": checklist,
        "contracts": sel.contracts_of(prop),
        "history": sel.responsible_history(prop),
        "on": on,
        "responsible": sel.responsible_on(prop, on),
        "today": tenant_today(),
    }
    return render(request, "registry/rental.html", ctx)


@function_required("registry.properties", "change")
def rental_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(RentalContract, pk=pk)
    if request.method == "POST":
        try:
            rental.rental_contract_end(
                actor=request.user,
                contract=contract,
                on=_date(request.POST.get("on"), "on"),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Contrato encerrado: o proprietário volta a responder pelo imóvel.")
    return redirect("registry:rental", contract.property_id)


def _address_data(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: post.get(k, "") for k in ("street_name", "number", "complement", "neighbourhood_name", "city",
                                     "state", "cep")
    }  # fmt: skip
    data["street"] = int(post["street"]) if post.get("street", "").isdigit() else None
    data["neighbourhood"] = int(post["neighbourhood"]) if post.get("neighbourhood", "").isdigit() else None
    return data


@function_required("registry.properties")
def addresses_view(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(Property.objects.select_related("street", "neighbourhood__city"), pk=pk)
    if request.method == "POST":
        if not request.user.can("registry.properties", "change"):  # type: ignore[union-attr]
            messages.error(request, "Seu perfil não permite alterar endereços.")
            return redirect("registry:addresses", pk)
        action = request.POST.get("action", "")
        try:
            if action == "add":
                unit_addresses.address_add(
                    actor=request.user, prop=prop, delivery=bool(request.POST.get("delivery")),
                    **_address_data(request.POST),
                )  # fmt: skip
                messages.success(request, "Endereço alternativo cadastrado.")
            elif action == "main":
                street = get_object_or_404(Street, pk=request.POST.get("street"))
                hood = get_object_or_404(Neighbourhood, pk=request.POST.get("neighbourhood"))
                property_update(
                    actor=request.user,
                    prop=prop,
                    street=street,
                    neighbourhood=hood,
                    number=request.POST.get("number", ""),
                    complement=request.POST.get("complement", ""),
                    cep=request.POST.get("cep", ""),
                )
                messages.success(request, "Endereço principal alterado.")
            else:
                raw = request.POST.get("address", "")
                address = unit_addresses.address_get(prop.pk, int(raw) if raw.isdigit() else 0)
                if action == "change":
                    unit_addresses.address_change(
                        actor=request.user, address=address, delivery=bool(request.POST.get("delivery")),
                        **_address_data(request.POST),
                    )  # fmt: skip
                    messages.success(request, "Endereço alternativo alterado.")
                elif action == "swap":
                    unit_addresses.address_swap(actor=request.user, address=address)
                    messages.success(request, "O endereço alternativo passou a ser o principal.")
                elif action == "deactivate":
                    unit_addresses.address_deactivate(
                        actor=request.user, address=address, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, "Endereço alternativo desativado.")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("registry:addresses", pk)
    city = prop.neighbourhood.city
    ctx = {
        "p": prop,
        "addresses": sel.addresses_of(prop),
        "streets": Street.objects.filter(city=city, active=True).order_by("name")[:2000],
        "neighbourhoods": Neighbourhood.objects.filter(city=city, active=True).order_by("name")[:2000],
    }
    return render(request, "registry/addresses.html", ctx)
