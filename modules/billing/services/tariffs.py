"""Tariff versions: the JSON that travels (API, import/export) ↔ the domain's dataclasses, and the
writes (create a draft, approve it). An approved version is immutable; the one in force for a date is
the approved version whose `valid_from` is the latest on or before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.domain.money import Rounding
from modules.common.errors import Conflict, NotFound, ValidationFailed

from ..domain.tariffs import (
    Band,
    CategorySplit,
    CategoryTariff,
    FixedCharge,
    Problem,
    SewerRounding,
    TariffInvalid,
    TariffVersion,
    tariff_problems,
)
from ..errors import ErrorCode
from ..models import Tariff, TariffStatus


def _decimal(value: Any, path: str, problems: list[Problem], *, required: bool = True) -> Decimal | None:
    if value is None and not required:
        return None
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        problems.append(Problem(path, 'informe o valor como texto decimal, ex.: "2.00" (nunca float).'))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        problems.append(Problem(path, f"valor decimal inválido: {value!r}."))
        return None
    if not number.is_finite():
        problems.append(Problem(path, "valor deve ser finito."))
        return None
    return number


def _int(value: Any, path: str, problems: list[Problem], *, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(path, f"deve ser um número inteiro de m³ ({value!r})."))
        return None
    return value


def version_from_json(data: Any) -> TariffVersion:
    """The domain tariff of the JSON shape; every problem found is reported with its field path."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise TariffInvalid([Problem("", "a tarifa deve ser um objeto JSON.")])
    act = data.get("act")
    if not isinstance(act, str):
        problems.append(Problem("act", "o número do ato administrativo é obrigatório."))
        act = ""
    valid_from = dt.date(1900, 1, 1)
    try:
        valid_from = dt.date.fromisoformat(str(data.get("valid_from", "")))
    except ValueError:
        problems.append(Problem("valid_from", "data de início de vigência inválida (AAAA-MM-DD)."))
    rounding = data.get("rounding", Rounding.TRUNCATE.value)
    if rounding not in {r.value for r in Rounding}:
        problems.append(Problem("rounding", 'use "truncate" ou "half_up".'))
        rounding = Rounding.TRUNCATE.value
    sewer_rounding = data.get("sewer_rounding", SewerRounding.PER_BAND.value)
    if sewer_rounding not in {r.value for r in SewerRounding}:
        problems.append(Problem("sewer_rounding", 'use "per_band" ou "per_bill".'))
        sewer_rounding = SewerRounding.PER_BAND.value
    category_split = data.get("category_split", CategorySplit.BY_DWELLING_UNITS.value)
    if category_split not in {c.value for c in CategorySplit}:
        problems.append(Problem("category_split", 'use "by_dwelling_units" ou "equal".'))
        category_split = CategorySplit.BY_DWELLING_UNITS.value
    categories: list[CategoryTariff] = []
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list):
        problems.append(Problem("categories", "informe a lista de categorias."))
        raw_categories = []
    for ci, raw in enumerate(raw_categories):
        prefix = f"categories[{ci}]"
        if not isinstance(raw, dict):
            problems.append(Problem(prefix, "cada categoria deve ser um objeto."))
            continue
        bands: list[Band] = []
        raw_bands = raw.get("bands")
        if not isinstance(raw_bands, list):
            problems.append(Problem(f"{prefix}.bands", "informe a lista de faixas."))
            raw_bands = []
        for bi, band in enumerate(raw_bands):
            path = f"{prefix}.bands[{bi}]"
            if not isinstance(band, dict):
                problems.append(Problem(path, "cada faixa deve ser um objeto."))
                continue
            start = _int(band.get("from_m3"), f"{path}.from_m3", problems)
            end = _int(band.get("to_m3"), f"{path}.to_m3", problems, nullable=True)
            price = _decimal(band.get("price"), f"{path}.price", problems)
            if start is not None and price is not None:
                bands.append(Band(start, end, price))
        charges: list[FixedCharge] = []
        for fi, charge in enumerate(raw.get("fixed_charges") or []):
            path = f"{prefix}.fixed_charges[{fi}]"
            name = str(charge.get("name", "")) if isinstance(charge, dict) else ""
            amount = _decimal(
                charge.get("amount") if isinstance(charge, dict) else None, f"{path}.amount", problems
            )
            if not name.strip():
                problems.append(Problem(f"{path}.name", "o nome da tarifa fixa é obrigatório."))
            if amount is not None:
                charges.append(
                    FixedCharge(
                        str(charge.get("code") or name),
                        name,
                        amount,
                        bool(charge.get("per_dwelling_unit", True)),
                    )
                )
        minimum = _int(raw.get("minimum_m3_per_unit", 0), f"{prefix}.minimum_m3_per_unit", problems)
        categories.append(
            CategoryTariff(
                code=str(raw.get("code", "")),
                name=str(raw.get("name", "")),
                bands=tuple(bands),
                minimum_m3_per_unit=minimum or 0,
                sewer_percent=_decimal(
                    raw.get("sewer_percent"), f"{prefix}.sewer_percent", problems, required=False
                ),
                special_sewer_amount=_decimal(
                    raw.get("special_sewer_amount"),
                    f"{prefix}.special_sewer_amount",
                    problems,
                    required=False,
                ),
                fixed_charges=tuple(charges),
                social=bool(raw.get("social", False)),
                solid_waste_amount=_decimal(
                    raw.get("solid_waste_amount"), f"{prefix}.solid_waste_amount", problems, required=False
                ),
            )
        )
    version = TariffVersion(
        act=act,
        valid_from=valid_from,
        categories=tuple(categories),
        rounding=Rounding(rounding),
        sewer_rounding=SewerRounding(sewer_rounding),
        category_split=CategorySplit(category_split),
    )
    problems += tariff_problems(version)
    if problems:
        raise TariffInvalid(problems)
    return version


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def version_to_json(version: TariffVersion) -> dict[str, Any]:
    return {
        "act": version.act,
        "valid_from": version.valid_from.isoformat(),
        "rounding": version.rounding.value,
        "sewer_rounding": version.sewer_rounding.value,
        "category_split": version.category_split.value,
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "minimum_m3_per_unit": c.minimum_m3_per_unit,
                "sewer_percent": _text(c.sewer_percent),
                "special_sewer_amount": _text(c.special_sewer_amount),
                "social": c.social,
                "bands": [{"from_m3": b.from_m3, "to_m3": b.to_m3, "price": _text(b.price)} for b in c.bands],
                "fixed_charges": [
                    {
                        "name": f.description,
                        "amount": _text(f.amount),
                        "per_dwelling_unit": f.per_dwelling_unit,
                    }
                    for f in c.fixed_charges
                ],
                # solid waste (3.2.7.9): written only when the category charges it
                **({"solid_waste_amount": _text(c.solid_waste_amount)} if c.solid_waste_amount else {}),
            }
            for c in version.categories
        ],
    }


ROUNDING_LABELS = {"truncate": "truncar no centavo", "half_up": "meio para cima"}
SEWER_ROUNDING_LABELS = {"per_band": "por faixa", "per_bill": "no total da conta"}
SPLIT_LABELS = {
    "by_dwelling_units": "consumo dividido pelas economias",
    "equal": "consumo dividido igualmente entre as categorias",
}


def _category_summary(c: dict[str, Any]) -> str:
    bands = ", ".join(
        f"{b['from_m3']} a {'∞' if b['to_m3'] is None else b['to_m3']} m³ R$ {b['price']}" for b in c["bands"]
    )
    parts = [f"{c['name']}: {bands}", f"mínimo {c['minimum_m3_per_unit']} m³"]
    if c["sewer_percent"] is not None:
        parts.append(f"esgoto {c['sewer_percent']} %")
    if c["special_sewer_amount"] is not None:
        parts.append(f"TEE R$ {c['special_sewer_amount']}")
    parts += [f"{f['name']} R$ {f['amount']}" for f in c["fixed_charges"]]
    return "; ".join(parts)


def tariff_summary(version: TariffVersion) -> dict[str, Any]:
    """A version in words, key by key, for its audit rows (the change history shows what changed)."""
    data = version_to_json(version)
    return {
        "act": data["act"],
        "valid_from": version.valid_from,
        "rounding": ROUNDING_LABELS[data["rounding"]],
        "sewer_rounding": SEWER_ROUNDING_LABELS[data["sewer_rounding"]],
        "category_split": SPLIT_LABELS[data["category_split"]],
        **{f"categoria {c['code']}": _category_summary(c) for c in data["categories"]},
    }


def tariff_version(tariff: Tariff) -> TariffVersion:
    return version_from_json(
        {
            **tariff.payload,
            "act": tariff.act,
            "valid_from": tariff.valid_from.isoformat(),
            "rounding": tariff.rounding,
            "sewer_rounding": tariff.sewer_rounding,
        }
    )


def tariff_json(tariff: Tariff) -> dict[str, Any]:
    return {"id": tariff.pk, "status": tariff.status, **version_to_json(tariff_version(tariff))}


def _payload(version: TariffVersion) -> dict[str, Any]:
    """What the row stores beside its columns: the categories and the split rule."""
    data = version_to_json(version)
    return {"categories": data["categories"], "category_split": data["category_split"]}


def tariff_create(*, actor: Actor, data: Any, projection: bool = False) -> Tariff:
    """A draft version from the JSON shape (also the import of an exported version), or a projection
    (a simulated set, never approved). Not durable: the demo creates and approves its tariff in one
    transaction."""
    version = version_from_json(data)
    with transaction.atomic():
        tariff: Tariff = Tariff.objects.create(
            act=version.act,
            valid_from=version.valid_from,
            rounding=version.rounding.value,
            sewer_rounding=version.sewer_rounding.value,
            payload=_payload(version),
            status=TariffStatus.PROJECTION if projection else TariffStatus.DRAFT,
            created_by=actor.get_username(),
        )
        audit_record(
            actor=actor,
            action="billing.tariff_project" if projection else "billing.tariff_create",
            target=tariff,
            after=tariff_summary(version),
        )
    return tariff


def _editable(tariff: Tariff) -> Tariff:
    locked: Tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
    if locked.status == TariffStatus.APPROVED:
        raise Conflict(
            "Uma tarifa aprovada nunca é alterada: copie-a para um novo rascunho com outra vigência.",
            code=ErrorCode.TARIFF_NOT_DRAFT,
        )
    return locked


@transaction.atomic(durable=True)
def tariff_update(*, actor: Actor, tariff: Tariff, data: Any) -> Tariff:
    """Replace a draft's (or a projection's) act, validity, rules, categories and bands: the form
    editor and `PUT /api/v1/billing/tariffs/<id>`. Refused with every problem's field path; an
    approved version is never edited."""
    locked = _editable(tariff)
    version = version_from_json(data)
    before = tariff_summary(tariff_version(locked))
    locked.act = version.act
    locked.valid_from = version.valid_from
    locked.rounding = version.rounding.value
    locked.sewer_rounding = version.sewer_rounding.value
    locked.payload = _payload(version)
    locked.save(update_fields=["act", "valid_from", "rounding", "sewer_rounding", "payload"])
    audit_record(
        actor=actor,
        action="billing.tariff_update",
        target=locked,
        before=before,
        after=tariff_summary(version),
    )
    return locked


@transaction.atomic(durable=True)
def tariff_copy(
    *, actor: Actor, source: Tariff, act: str, valid_from: dt.date, projection: bool = False
) -> Tariff:
    """A new draft (or projection) with the source's categories and bands under a new act and
    validity (seed 001 3.2.7.8.6); editing the copy leaves the source as it was. The only way a
    projection reaches approval: copied into a draft, which is then reviewed and approved."""
    data = {**version_to_json(tariff_version(source)), "act": act, "valid_from": valid_from.isoformat()}
    version = version_from_json(data)
    copy: Tariff = Tariff.objects.create(
        act=version.act,
        valid_from=version.valid_from,
        rounding=version.rounding.value,
        sewer_rounding=version.sewer_rounding.value,
        payload=_payload(version),
        status=TariffStatus.PROJECTION if projection else TariffStatus.DRAFT,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="billing.tariff_copy",
        target=copy,
        after={
            "from": f"{source.act} ({source.get_status_display().lower()})",
            "act": act,
            "valid_from": valid_from,
        },
    )
    return copy


@transaction.atomic(durable=True)
def tariff_discard(*, actor: Actor, tariff: Tariff) -> None:
    """Delete a draft or a projection (an approved version stays forever)."""
    locked = _editable(tariff)
    audit_record(
        actor=actor,
        action="billing.tariff_discard",
        target=locked,
        before={"act": locked.act, "valid_from": locked.valid_from, "status": locked.status},
    )
    locked.delete()


def tariff_approve(*, actor: Actor, tariff: Tariff, today: dt.date) -> Tariff:
    """Make a draft effective from its `valid_from`. A version cannot start in a month already billed
    (the bills of that month were priced by the previous act). Not durable, as tariff_create."""
    from ..models import Bill, BillStatus

    with transaction.atomic():
        locked: Tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
        if locked.status == TariffStatus.PROJECTION:
            raise Conflict(
                "Uma projeção (simulação) nunca entra em vigor: copie-a para um novo rascunho, revise-o e "
                "aprove o rascunho.",
                code=ErrorCode.TARIFF_IS_PROJECTION,
            )
        if locked.status != TariffStatus.DRAFT:
            raise Conflict("Esta versão de tarifa já foi aprovada.", code=ErrorCode.TARIFF_NOT_DRAFT)
        tariff_version(locked)  # still valid
        if (
            Bill.objects.filter(reference__gte=locked.valid_from.replace(day=1))
            .exclude(status=BillStatus.CANCELLED)
            .exists()
        ):
            raise Conflict(
                f"Já há faturas emitidas a partir de {locked.valid_from:%m/%Y}: a nova tarifa deve começar "
                "depois do último mês faturado.",
                field="valid_from",
                code=ErrorCode.TARIFF_STARTS_IN_BILLED_MONTH,
            )
        locked.status = TariffStatus.APPROVED
        locked.approved_by = actor.get_username()
        locked.approved_at = timezone.now()
        try:
            with transaction.atomic():
                locked.save(update_fields=["status", "approved_by", "approved_at"])
        except IntegrityError:
            raise Conflict(
                f"Já existe tarifa aprovada com início em {locked.valid_from:%d/%m/%Y}.",
                field="valid_from",
                code=ErrorCode.AMBIGUOUS_TARIFF,
            ) from None
        audit_record(
            actor=actor,
            action="billing.tariff_approve",
            target=locked,
            after={"act": locked.act, "valid_from": locked.valid_from},
        )
    return locked


def tariff_in_force(on: dt.date) -> Tariff:
    tariff: Tariff | None = (
        Tariff.objects.filter(status=TariffStatus.APPROVED, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if tariff is None:
        raise NotFound(
            f"Nenhuma tarifa aprovada vigente em {on:%d/%m/%Y}.",
            field="reference",
            code=ErrorCode.NO_TARIFF_IN_FORCE,
        )
    return tariff


def category_for(version: TariffVersion, category: str, subcategory: str = "") -> CategoryTariff:
    """A subcategory's own tariff (`RES/2`, e.g. the social tariff) when the act has one, else the
    category's."""
    if subcategory:
        for c in version.categories:
            if c.code == f"{category}/{subcategory}":
                return c
    try:
        return version.category(category)
    except ValidationFailed:
        raise ValidationFailed(
            f"Categoria {category} não existe na tarifa do ato {version.act}.",
            field="category",
            code=ErrorCode.UNKNOWN_CATEGORY,
        ) from None
