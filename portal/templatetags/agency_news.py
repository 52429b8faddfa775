"""`{% agency_news %}`: the news and notices in force on the agency's and the totem's pages
(3.2.15.13); with a property in the page (`prop`), also those for its neighbourhood or route."""

from __future__ import annotations

from typing import Any

from django import template

from modules.service.news_selectors import visible_news

register = template.Library()


@register.inclusion_tag("portal/_news.html", takes_context=True)
def agency_news(context: template.Context) -> dict[str, Any]:
    prop = context.get("prop")
    channel = "totem" if context.get("totem") else "agency"
    rows = visible_news(channel=channel, property_id=getattr(prop, "pk", None), limit=4)
    return {"news": rows, "totem": context.get("totem")}
