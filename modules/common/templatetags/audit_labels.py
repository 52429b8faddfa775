import datetime as dt
import re
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from modules.common.audit import ACTION_LABELS, FIELD_LABELS, OBJECT_LABELS
from modules.common.clock import tenant_zone

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def object_label(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, object_type)


@register.filter
def audit_changes(entry: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) of an audit row in words: the model's pt-BR field names and choice
    labels where the row names a model, "—" for nothing, "sim"/"não" for flags; never a raw dict."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = _model(entry.object_type)
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        field = _field(model, key)
        rows.append((_field_label(field, key), _value(field, before.get(key, None)) if key in before else "",
                     _value(field, after.get(key, None)) if key in after else ""))  # fmt: skip
    if not isinstance(entry.before, (dict, type(None))) or not isinstance(entry.after, (dict, type(None))):
        rows.append(("valor", _value(None, entry.before), _value(None, entry.after)))
    return rows


def _model(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in (object_type or "") else None
    except (LookupError, ValueError):
        return None


def _field(model: Any, key: str) -> Any:
    if model is None:
        return None
    for candidate in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def _field_label(field: Any, key: str) -> str:
    label = str(getattr(field, "verbose_name", "") or "")
    if label and label != key.replace("_", " "):  # Django's default is the English attribute name
        return label[:1].upper() + label[1:]
    return FIELD_LABELS.get(key) or FIELD_LABELS.get(key.removesuffix("_id")) or key.replace("_", " ")


def _value(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "sim"
    if value is False:
        return "não"
    if isinstance(value, list):
        return ", ".join(_value(None, v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_value(None, v)}" for k, v in value.items()) or "—"
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, str) and ISO_DATE.match(value):
        return _date_text(value)
    if isinstance(value, str) and DECIMAL_TEXT.match(value):
        return _decimal_text(value)
    return str(value)


# snapshots keep Decimal as text ("1234.50"); people read 1.234,50 (the digits are never rounded)
DECIMAL_TEXT = re.compile(r"^-?\d+\.\d+$")


def _decimal_text(value: str) -> str:
    sign = "-" if value.startswith("-") else ""
    whole, fraction = value.lstrip("-").split(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    return sign + ".".join([whole, *groups]) + "," + fraction


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")


def _date_text(value: str) -> str:
    """Snapshots keep ISO text; people read dd/mm/aaaa (and the time in the utility's zone)."""
    if "T" not in value:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(tenant_zone())
    return moment.strftime("%d/%m/%Y %H:%M")
