"""The notice a field team leaves to the customer (3.2.12.10), as a PDF (WeasyPrint) branded with
the utility, embedding the field photos inline; only data: URIs are read while rendering (a link in
the text is never fetched)."""

from __future__ import annotations

import base64
import datetime as dt
import logging

from django.template.loader import render_to_string

from modules.common.clock import current_tenant, tenant_zone
from modules.common.domain.documents import format_document

from .models import FieldPhoto, ServiceOrder
from .selectors_field import address_of

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def notice_pdf(order: ServiceOrder, text: str, photos: list[FieldPhoto], at: dt.datetime) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    tenant = current_tenant()
    images = []
    for photo in photos:
        with photo.image.open("rb") as fh:
            encoded = base64.b64encode(fh.read()).decode("ascii")
        images.append(
            {
                "src": f"data:{photo.content_type};base64,{encoded}",
                "taken_at": photo.taken_at.astimezone(tenant_zone()),
                "latitude": photo.latitude,
                "longitude": photo.longitude,
                "caption": photo.caption,
            }
        )
    html = render_to_string(
        "service/field/pdf/notice.html",
        {
            "brand": {
                "name": getattr(tenant, "name", ""),
                "cnpj": format_document(getattr(tenant, "cnpj", "") or ""),
                "address": getattr(tenant, "address", ""),
                "phone": getattr(tenant, "phone", ""),
                "colour": getattr(tenant, "primary_color", "#1351B4"),
            },
            "order": order,
            "address": address_of(order),
            "text": text,
            "images": images,
            "at": at.astimezone(tenant_zone()),
        },
    )
    return bytes(HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf())
