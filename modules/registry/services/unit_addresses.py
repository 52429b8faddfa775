"""A unit's addresses (seed 001 3.2.13.10.3): the main physical address is the property's own; the
alternative (correspondence) addresses are added, changed, deactivated, one may receive the bills,
and an alternative in town may swap with the main one. The main address always exists and is one, so
it is never deactivated: it is changed or swapped."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import Conflict, NotFound, ValidationFailed

from ..domain.text import fold, normalize_cep
from ..errors import ErrorCode
from ..models import Neighbourhood, Property, Street
from ..models_rental import PropertyAddress

FIELDS = (
    "street",
    "street_name",
    "number",
    "complement",
    "neighbourhood",
    "neighbourhood_name",
    "city",
    "state",
    "cep",
)


def address_get(property_id: int, address_id: int) -> PropertyAddress:
    address: PropertyAddress | None = PropertyAddress.objects.filter(
        pk=address_id, property_id=property_id
    ).first()
    if address is None:
        raise NotFound("Endereço não encontrado.", field="address", code=ErrorCode.ADDRESS_NOT_FOUND)
    return address


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in FIELDS}
    for key in ("street_name", "number", "complement", "neighbourhood_name", "city", "state"):
        if key in out:
            out[key] = str(out[key] or "").strip()
    if "state" in out:
        out["state"] = out["state"].upper()[:2]
    if out.get("street") is not None and not isinstance(out["street"], Street):
        found = Street.objects.filter(pk=out["street"]).first()
        if found is None:
            raise ValidationFailed(
                "Logradouro não encontrado.", field="street", code=ErrorCode.STREET_NOT_FOUND
            )
        out["street"] = found
    if out.get("neighbourhood") is not None and not isinstance(out["neighbourhood"], Neighbourhood):
        hood = Neighbourhood.objects.filter(pk=out["neighbourhood"]).first()
        if hood is None:
            raise ValidationFailed(
                "Bairro não encontrado.", field="neighbourhood", code=ErrorCode.NEIGHBOURHOOD_NOT_FOUND
            )
        out["neighbourhood"] = hood
    if out.get("cep"):
        try:
            out["cep"] = normalize_cep(out["cep"])
        except ValueError as exc:
            raise ValidationFailed(str(exc), field="cep", code=ErrorCode.CEP_INVALID) from exc
    return out


def _check(address: PropertyAddress) -> None:
    if not address.street_id and not address.street_name:
        raise ValidationFailed(
            "Informe o logradouro do endereço.", field="street_name", code=ErrorCode.ADDRESS_STREET_REQUIRED
        )
    if not address.street_id and not address.city:
        raise ValidationFailed(
            "Endereço fora do cadastro de logradouros: informe o município.",
            field="city",
            code=ErrorCode.ADDRESS_STREET_REQUIRED,
        )


def _take_delivery(address: PropertyAddress) -> None:
    """Only one address receives the bills: the others stop. Runs inside the caller's transaction."""
    PropertyAddress.objects.filter(property_id=address.property_id, delivery=True).exclude(
        pk=address.pk
    ).update(delivery=False)


def _lock(property_id: int) -> Property:
    prop: Property = Property.objects.select_for_update().get(pk=property_id)
    return prop


@transaction.atomic(durable=True)
def address_add(*, actor: Actor, prop: Property, delivery: bool = False, **data: Any) -> PropertyAddress:
    """A new alternative address; with `delivery` the bills go there from now on."""
    prop = _lock(prop.pk)
    address = PropertyAddress(property=prop, delivery=bool(delivery), **_clean(data))
    _check(address)
    if address.delivery:
        _take_delivery(address)
    address.save()
    audit_record(
        actor=actor,
        action="registry.address_add",
        target=prop,
        after={"address": address.pk, "text": address.text, "delivery": address.delivery},
    )
    return address


@transaction.atomic(durable=True)
def address_change(
    *, actor: Actor, address: PropertyAddress, delivery: bool | None = None, **data: Any
) -> PropertyAddress:
    _lock(address.property_id)
    address = PropertyAddress.objects.select_for_update().get(pk=address.pk)
    if not address.active:
        raise Conflict("Este endereço está desativado.", field="address", code=ErrorCode.ADDRESS_INACTIVE)
    before = {"text": address.text, "delivery": address.delivery}
    for key, value in _clean(data).items():
        setattr(address, key, value)
    if delivery is not None:
        address.delivery = bool(delivery)
    _check(address)
    if address.delivery:
        _take_delivery(address)
    address.save()
    audit_record(
        actor=actor,
        action="registry.address_change",
        target=address.property,
        before={"address": address.pk, **before},
        after={"address": address.pk, "text": address.text, "delivery": address.delivery},
    )
    return address


@transaction.atomic(durable=True)
def address_deactivate(*, actor: Actor, address: PropertyAddress, reason: str = "") -> PropertyAddress:
    """The alternative address is no longer used (and no longer receives the bills)."""
    _lock(address.property_id)
    address = PropertyAddress.objects.select_for_update().get(pk=address.pk)
    if not address.active:
        raise Conflict("Este endereço já está desativado.", field="address", code=ErrorCode.ADDRESS_INACTIVE)
    was_delivery = address.delivery
    address.active, address.delivery, address.deactivated_at = False, False, timezone.now()
    address.save(update_fields=["active", "delivery", "deactivated_at"])
    audit_record(
        actor=actor,
        action="registry.address_deactivate",
        target=address.property,
        before={"address": address.pk, "active": True, "delivery": was_delivery},
        after={"address": address.pk, "active": False},
        reason=reason,
    )
    return address


@transaction.atomic(durable=True)
def address_swap(*, actor: Actor, address: PropertyAddress) -> PropertyAddress:
    """The alternative becomes the unit's main address and the old main one stays as an alternative
    (returned). Only an address in town (street and neighbourhood of the registry) may be the main one."""
    prop = _lock(address.property_id)
    address = PropertyAddress.objects.select_for_update().get(pk=address.pk)
    if not address.active:
        raise Conflict("Este endereço está desativado.", field="address", code=ErrorCode.ADDRESS_INACTIVE)
    if not address.in_town:
        raise Conflict(
            "Só um endereço com logradouro e bairro do cadastro pode ser o endereço principal.",
            field="address",
            code=ErrorCode.ADDRESS_NOT_IN_TOWN,
        )
    before = snapshot(prop, ["street_id", "number", "complement", "neighbourhood_id", "cep"])
    old = PropertyAddress(
        property=prop,
        street_id=prop.street_id,
        number=prop.number,
        complement=prop.complement,
        neighbourhood_id=prop.neighbourhood_id,
        city=str(prop.neighbourhood.city.name) if prop.neighbourhood_id else "",
        state=str(prop.neighbourhood.city.state) if prop.neighbourhood_id else "",
        cep=prop.cep,
    )
    assert address.street is not None and address.neighbourhood is not None  # in_town
    prop.street, prop.neighbourhood = address.street, address.neighbourhood
    prop.number, prop.complement, prop.cep = address.number or "S/N", address.complement, address.cep
    street, hood = prop.street, prop.neighbourhood
    prop.address_search = fold(
        f"{street.street_type} {street.name} {prop.number} {prop.complement} {hood.name}"
    )
    prop.save(update_fields=["street", "neighbourhood", "number", "complement", "cep", "address_search"])
    address.active, address.delivery, address.deactivated_at = False, False, timezone.now()
    address.save(update_fields=["active", "delivery", "deactivated_at"])
    old.save()
    audit_record(
        actor=actor,
        action="registry.address_swap",
        target=prop,
        before=before,
        after={
            **snapshot(prop, ["street_id", "number", "complement", "neighbourhood_id", "cep"]),
            "from_address": address.pk,
            "old_main_address": old.pk,
        },
    )
    return old
