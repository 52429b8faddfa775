from django import template

from modules.common.audit import ACTION_LABELS, OBJECT_LABELS

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def object_label(object_type: str) -> str:
    return OBJECT_LABELS.get(object_type, object_type)
