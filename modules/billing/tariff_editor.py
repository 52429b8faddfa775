"""The tariff form editor: a version's JSON shape (services.tariffs) as Django formsets, one
formset of categories and, for each, one of bands and one of fixed charges; and back. Rows are added
by a submit button (no script needed); the domain's problems (`categories[0].bands[2].from_m3`) land
on the row and field they name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict

from .domain.tariffs import Problem
from .forms import TariffBandForm, TariffCategoryForm, TariffChargeForm, TariffHeaderForm

NEW_BAND_ROWS = 3
PATH = re.compile(r"^categories\[(\d+)\](?:\.(bands|fixed_charges)\[(\d+)\])?(?:\.(\w+))?$")
CATEGORY_FIELDS = {"code", "name", "minimum_m3_per_unit", "sewer_percent", "special_sewer_amount"}


@dataclass
class CategoryRows:
    form: TariffCategoryForm
    bands: Any  # a formset of TariffBandForm
    charges: Any  # a formset of TariffChargeForm
    index: int


@dataclass
class TariffEditor:
    header: TariffHeaderForm
    categories: Any  # a formset of TariffCategoryForm
    rows: list[CategoryRows]
    problems: list[str]

    def is_valid(self) -> bool:
        ok = self.header.is_valid() and self.categories.is_valid()
        for row in self.rows:
            ok = row.bands.is_valid() and ok
            ok = row.charges.is_valid() and ok
        return ok


def _band_initial(band: dict[str, Any]) -> dict[str, Any]:
    return {"from_m3": band.get("from_m3"), "to_m3": band.get("to_m3"), "price": band.get("price")}


def _formset(form: type[forms.Form], extra: int) -> Any:
    """Blank rows (`extra`) are skipped when left blank; rows of the version are required."""
    return forms.formset_factory(form, extra=extra, can_delete=True)


def editor_for(data: dict[str, Any] | None, post: QueryDict | None = None) -> TariffEditor:
    """The editor of a version's JSON (`data`; None = a blank version: one category, three band
    rows), bound to `post` when given."""
    data = data or {}
    cats = data.get("categories") or []
    header = TariffHeaderForm(
        post,
        prefix="t",
        initial={
            "act": data.get("act", ""),
            "valid_from": data.get("valid_from"),
            "rounding": data.get("rounding", "truncate"),
            "sewer_rounding": data.get("sewer_rounding", "per_band"),
            "category_split": data.get("category_split", "by_dwelling_units"),
        },
    )
    initial = [
        {k: c.get(k) for k in (*CATEGORY_FIELDS, "social")}
        | {"minimum_m3_per_unit": c.get("minimum_m3_per_unit", 0)}
        for c in cats
    ]
    categories = _formset(TariffCategoryForm, 0 if cats else 1)(post, prefix="cat", initial=initial)
    rows = []
    for index, form in enumerate(categories.forms):
        source = cats[index] if index < len(cats) else {}
        bands = _formset(TariffBandForm, 0 if source.get("bands") else NEW_BAND_ROWS)(
            post,
            prefix=f"cat-{index}-band",
            initial=[_band_initial(b) for b in source.get("bands") or []] if post is None else None,
        )
        charges = _formset(TariffChargeForm, 0)(
            post,
            prefix=f"cat-{index}-fee",
            initial=[
                {
                    "name": f.get("name"),
                    "amount": f.get("amount"),
                    "per_dwelling_unit": f.get("per_dwelling_unit", True),
                }
                for f in source.get("fixed_charges") or []
            ]
            if post is None
            else None,
        )
        rows.append(CategoryRows(form, bands, charges, index))
    return TariffEditor(header, categories, rows, [])


def with_added_row(post: QueryDict, op: str) -> QueryDict:
    """The POST with one more empty row where `op` asks ("add_band:1", "add_fee:0", "add_category")."""
    data = post.copy()

    def grow(prefix: str, by: int = 1) -> None:
        data[f"{prefix}-TOTAL_FORMS"] = str(int(data.get(f"{prefix}-TOTAL_FORMS") or 0) + by)
        data.setdefault(f"{prefix}-INITIAL_FORMS", "0")

    kind, _, where = op.partition(":")
    if kind == "add_category":
        n = int(data.get("cat-TOTAL_FORMS") or 0)
        grow("cat")
        data[f"cat-{n}-band-TOTAL_FORMS"] = str(NEW_BAND_ROWS)
        data[f"cat-{n}-band-INITIAL_FORMS"] = "0"
        data[f"cat-{n}-fee-TOTAL_FORMS"] = "0"
        data[f"cat-{n}-fee-INITIAL_FORMS"] = "0"
    elif kind in {"add_band", "add_fee"} and where.isdigit():
        grow(f"cat-{where}-{'band' if kind == 'add_band' else 'fee'}")
    return data


def _blank(form: forms.Form) -> bool:
    return not any(
        str(form.data.get(form.add_prefix(name), "")).strip()
        for name in form.fields
        if name not in {"per_dwelling_unit", "DELETE"}
    )


def editor_json(
    editor: TariffEditor,
) -> tuple[dict[str, Any], dict[int, int], dict[tuple[int, str, int], int]]:
    """The JSON shape of a valid editor, with where each JSON index came from: category index → form
    index, and (category form, "bands"/"fixed_charges", JSON index) → row form index."""
    h = editor.header.cleaned_data
    out: dict[str, Any] = {
        "act": h["act"],
        "valid_from": h["valid_from"].isoformat(),
        "rounding": h["rounding"],
        "sewer_rounding": h["sewer_rounding"],
        "category_split": h["category_split"],
        "categories": [],
    }
    cat_map: dict[int, int] = {}
    row_map: dict[tuple[int, str, int], int] = {}
    for row in editor.rows:
        c = row.form.cleaned_data
        if not c or c.get("DELETE"):
            continue
        cat_map[len(out["categories"])] = row.index
        bands = []
        for bi, band in enumerate(row.bands.forms):
            b = band.cleaned_data
            if not b or b.get("DELETE") or _blank(band):
                continue
            row_map[(row.index, "bands", len(bands))] = bi
            bands.append({"from_m3": b["from_m3"], "to_m3": b.get("to_m3"), "price": b["price"]})
        charges = []
        for fi, fee in enumerate(row.charges.forms):
            f = fee.cleaned_data
            if not f or f.get("DELETE") or _blank(fee):
                continue
            row_map[(row.index, "fixed_charges", len(charges))] = fi
            charges.append(
                {"name": f["name"], "amount": f["amount"], "per_dwelling_unit": f["per_dwelling_unit"]}
            )
        out["categories"].append(
            {
                "code": c["code"],
                "name": c["name"],
                "minimum_m3_per_unit": c["minimum_m3_per_unit"] or 0,
                "sewer_percent": c.get("sewer_percent") or None,
                "special_sewer_amount": c.get("special_sewer_amount") or None,
                "social": bool(c.get("social")),
                "bands": bands,
                "fixed_charges": charges,
            }
        )
    return out, cat_map, row_map


def place_problems(
    editor: TariffEditor,
    problems: list[Problem],
    cat_map: dict[int, int],
    row_map: dict[tuple[int, str, int], int],
) -> None:
    """Each problem on the field of the row its path names (its path kept in the message)."""
    for problem in problems:
        text = f"{problem.message} ({problem.path})" if problem.path else problem.message
        if problem.path in editor.header.fields:
            editor.header.add_error(problem.path, text)
            continue
        match = PATH.match(problem.path)
        if not match or int(match[1]) not in cat_map:
            editor.problems.append(text)
            continue
        row = editor.rows[cat_map[int(match[1])]]
        collection, index, field = match[2], match[3], match[4]
        if collection is None:
            row.form.add_error(field if field in CATEGORY_FIELDS else None, text)
            continue
        if index is None:
            row.form.add_error(None, text)
            continue
        formset = row.bands if collection == "bands" else row.charges
        at = row_map.get((row.index, collection, int(index)))
        if at is None:
            row.form.add_error(None, text)
            continue
        form = formset.forms[at]
        if field == "code":
            field = "name"
        form.add_error(field if field in form.fields else None, text)
