"""What people read is pt-BR: no English code or jargon in the choice labels of our models (the labels
staff and citizens see in lists, filters, slips and the audit page)."""

from __future__ import annotations

import re

from django.apps import apps

# words found on pt-BR screens before (issue: "low"/"high", "(measured)", "Seleção de faturas (gateway)")
ENGLISH = re.compile(
    r"\b(gateway|measured|average|minimum|low|high|draft|released|pending|paid|failed)\b", re.I
)
OURS = ("modules.", "portal", "saas.", "tenants")


def test_no_choice_label_of_our_models_is_english() -> None:
    leaks = [
        f"{model._meta.label}.{field.name}: {label!r}"
        for model in apps.get_models()
        if model._meta.app_config.name.startswith(OURS)
        for field in model._meta.get_fields()
        for _value, label in (getattr(field, "flatchoices", None) or [])
        if ENGLISH.search(str(label))
    ]

    assert leaks == []
