"""The places a scoped grant may name (S3.4-02): localities by code, commercial sectors as
"<locality code>.<sector code>"."""

from __future__ import annotations

from .models import Locality, Sector


def locality_exists(value: str) -> bool:
    return value.isdigit() and Locality.objects.filter(code=int(value)).exists()


def sector_exists(value: str) -> bool:
    locality, _, sector = value.partition(".")
    return (
        locality.isdigit()
        and sector.isdigit()
        and Sector.objects.filter(locality__code=int(locality), code=int(sector)).exists()
    )
