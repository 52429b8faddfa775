"""Reads of reading in the field: a route's package for its device, the counters of a batch's routes
(read, pending, occurrences, re-readings), the live monitor's devices and points, the collector file
of a route (ADR 0200)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from .hooks import package_extras
from .models import (
    BatchItem,
    BatchRoute,
    Device,
    DevicePosition,
    Occurrence,
    Reading,
    ReadingBatch,
    ReadingEvent,
    ReadingSchedule,
)

ONLINE_WINDOW = dt.timedelta(minutes=15)  # a device seen within it is online
EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def package(route: BatchRoute, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """What a device needs to read the route offline: the properties in sequence, frozen at the
    batch's generation, the occurrence list and the messages waiting for it."""
    batch = route.batch
    schedule = ReadingSchedule.objects.filter(group_id=batch.group_id, reference=batch.reference).first()
    rows = (
        BatchItem.objects.filter(route=route)
        .order_by("sequence", "property_id")
        .values_list(
            "property_id",
            "account_number",
            "sequence",
            "address",
            "meter_number",
            "dials",
            "previous_value",
            "last_readings",
            "expected_low",
            "expected_high",
            "economies",
            "categories",
            "latitude",
            "longitude",
            "reread",
            "reread_reason",
        )
    )
    properties = [
        {
            "id": pid,
            "account": account,
            "sequence": sequence,
            "address": address,
            "meter": meter,
            "dials": dials,
            "previous": previous,
            "last": last,
            "expected": [low, high] if low is not None else None,
            "economies": economies,
            "categories": categories,
            "lat": str(lat) if lat is not None else None,
            "lon": str(lon) if lon is not None else None,
            **({"reread": reason} if reread else {}),
        }
        for (
            pid,
            account,
            sequence,
            address,
            meter,
            dials,
            previous,
            last,
            low,
            high,
            economies,
            categories,
            lat,
            lon,
            reread,
            reason,
        ) in rows
    ]
    extras = package_extras([p["id"] for p in properties])
    for p in properties:
        p.update(extras.get(p["id"], {}))
    return {
        "batch": batch.pk,
        "group": batch.group.code,
        "reference": f"{batch.reference:%Y-%m}",
        "route": route.code,
        "locality": route.locality,
        "device": route.device.code if route.device else None,
        "reader": route.reader.employee_number if route.reader else None,
        "reading_window": (
            {"start": schedule.reading_start.isoformat(), "end": schedule.reading_end.isoformat()}
            if schedule
            else None
        ),
        "server_time": timezone.now().isoformat(),
        "occurrences": [
            {
                "code": o.code,
                "description": o.description,
                "action": o.action,
                "photo_required": o.photo_required,
            }
            for o in Occurrence.objects.order_by("code")
        ],
        "messages": messages,
        "properties": properties,
    }


@dataclass(frozen=True)
class RouteProgress:
    route: BatchRoute
    total: int
    read: int
    occurrences: int
    in_review: int
    rereads: int

    @property
    def pending(self) -> int:
        return self.total - self.read

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def progress(batch: ReadingBatch) -> list[RouteProgress]:
    """Per route: properties, read so far (any source), with an occurrence, in review, re-readings."""
    routes = list(BatchRoute.objects.filter(batch=batch).select_related("device", "reader").order_by("code"))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.route_id, count(*), count(r.id), count(r.occurrence_id),
                   count(r.id) FILTER (WHERE r.review = 'pending'), count(*) FILTER (WHERE i.reread)
              FROM reading_batchitem i
              LEFT JOIN reading_reading r ON r.property_id = i.property_id AND r.reference = %s
             WHERE i.batch_id = %s
             GROUP BY i.route_id
            """,
            [batch.reference, batch.pk],
        )
        counts = {row[0]: row[1:] for row in cursor.fetchall()}
    return [RouteProgress(r, *counts.get(r.pk, (0, 0, 0, 0, 0))) for r in routes]


@dataclass(frozen=True)
class DeviceStatus:
    device: Device
    online: bool
    routes: list[str]
    readings_today: int


def devices_status(now: dt.datetime) -> list[DeviceStatus]:
    devices = list(Device.objects.filter(active=True).select_related("reader").order_by("code"))
    routes: dict[int, list[str]] = {}
    for device_id, batch_id, code in BatchRoute.objects.filter(
        device__isnull=False, batch__status=ReadingBatch.Status.OPEN
    ).values_list("device_id", "batch_id", "code"):
        routes.setdefault(device_id, []).append(f"rota {code} (carga {batch_id})")
    since = now - dt.timedelta(hours=24)
    counts: dict[str, int] = {}
    for code in Reading.objects.filter(device_code__gt="", created_at__gte=since).values_list(
        "device_code", flat=True
    ):
        counts[code] = counts.get(code, 0) + 1
    return [
        DeviceStatus(
            d,
            d.last_seen_at is not None and now - d.last_seen_at <= ONLINE_WINDOW,
            routes.get(d.pk, []),
            counts.get(d.code, 0),
        )
        for d in devices
    ]


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str
    kind: str  # device | pending | read | calculated (read, its bill computed on the spot) | occurrence


def monitor_points(batch: ReadingBatch | None) -> list[Point]:
    """The batch's properties (read, with an occurrence, or still to read) and the devices' last
    positions, for the plain coordinate plot of the monitor."""
    points: list[Point] = []
    if batch is not None:
        readings = {
            pid: (value, occ, m3)
            for pid, value, occ, m3 in Reading.objects.filter(
                reference=batch.reference,
                property_id__in=BatchItem.objects.filter(batch=batch).values("property_id"),
            ).values_list("property_id", "value", "occurrence__code", "consumption_m3")
        }
        calculated = set(
            ReadingEvent.objects.filter(
                item__batch=batch, outcome=ReadingEvent.Outcome.ACCEPTED, device_total__isnull=False
            ).values_list("item__property_id", flat=True)
        )
        for pid, account, address, lat, lon in BatchItem.objects.filter(
            batch=batch, latitude__isnull=False, longitude__isnull=False
        ).values_list("property_id", "account_number", "address", "latitude", "longitude"):
            found = readings.get(pid)
            kind = (
                "pending"
                if found is None
                else "occurrence"
                if found[1]
                else "calculated"
                if pid in calculated
                else "read"
            )
            # what a click on the point shows (3.2.4.18.2): the reading or occurrence, the billed
            # consumption, the address and where it is
            parts = [account]
            if found is not None:
                parts.append(
                    " · ".join(
                        x
                        for x in (
                            f"leitura {found[0]}" if found[0] is not None else "",
                            f"ocorrência {found[1]}" if found[1] else "",
                            f"{found[2]} m³",
                        )
                        if x
                    )
                )
            text = ": ".join(parts) + f" – {address} ({float(lat):.6f}, {float(lon):.6f})"
            points.append(Point(float(lat), float(lon), text.strip(), kind))
    for device in Device.objects.filter(
        active=True, last_latitude__isnull=False, last_longitude__isnull=False
    ):
        assert device.last_latitude is not None and device.last_longitude is not None
        points.append(Point(float(device.last_latitude), float(device.last_longitude), str(device), "device"))
    return points


@dataclass(frozen=True)
class Trip:
    """A device's trip since a moment (3.2.4.18.3): from its first position (the base, when the day
    starts there) to its last, with the distance along the fixes and the time it took."""

    device: Device
    positions: int
    started_at: dt.datetime
    ended_at: dt.datetime
    distance_km: Decimal

    @property
    def duration(self) -> dt.timedelta:
        return self.ended_at - self.started_at

    @property
    def duration_label(self) -> str:
        minutes = int(self.duration.total_seconds() // 60)
        return f"{minutes // 60} h {minutes % 60:02d} min"


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def trips(since: dt.datetime) -> list[Trip]:
    """Every device's trip since `since`: the sum of the haversine segments between its positions
    in time order, and first to last fix (one query for all the devices)."""
    rows: dict[int, list[tuple[dt.datetime, float, float]]] = {}
    for device_id, at, lat, lon in (
        DevicePosition.objects.filter(at__gte=since)
        .order_by("device_id", "at", "id")
        .values_list("device_id", "at", "latitude", "longitude")
    ):
        rows.setdefault(device_id, []).append((at, float(lat), float(lon)))
    devices = Device.objects.in_bulk(list(rows))
    out = []
    for device_id, fixes in rows.items():
        distance = sum(haversine_km((a[1], a[2]), (b[1], b[2])) for a, b in itertools.pairwise(fixes))
        out.append(
            Trip(
                devices[device_id],
                len(fixes),
                fixes[0][0],
                fixes[-1][0],
                Decimal(str(round(distance, 2))),
            )
        )
    return sorted(out, key=lambda t: t.device.code)


def track(device: Device, since: dt.datetime) -> list[tuple[float, float]]:
    return [
        (float(lat), float(lon))
        for lat, lon in DevicePosition.objects.filter(device=device, at__gte=since)
        .order_by("at")
        .values_list("latitude", "longitude")
    ]


def plot(
    points: list[Point], tracks: list[list[tuple[float, float]]], width: int = 640, height: int = 420
) -> dict[str, Any]:
    """Screen coordinates of the points and tracks on a width × height box, keeping the aspect of the
    coordinates (the GIS issue brings a base map; this is the plain plot until then)."""
    coords = [(p.latitude, p.longitude) for p in points] + [c for t in tracks for c in t]
    if not coords:
        return {"points": [], "tracks": [], "width": width, "height": height}
    lats, lons = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 1e-4)
    pad = 20
    scale = min(width - 2 * pad, height - 2 * pad) / span

    def xy(lat: float, lon: float) -> tuple[int, int]:
        return round(pad + (lon - min(lons)) * scale), round(height - pad - (lat - min(lats)) * scale)

    return {
        "width": width,
        "height": height,
        "points": [
            {
                "x": xy(p.latitude, p.longitude)[0],
                "y": xy(p.latitude, p.longitude)[1],
                "label": p.label,
                "kind": p.kind,
            }
            for p in points
        ],
        "tracks": [" ".join(f"{x},{y}" for x, y in (xy(*c) for c in t)) for t in tracks if len(t) > 1],
        # the same tracks as SVG paths, for the trip's playback (animateMotion along the path)
        "paths": [
            "M " + " L ".join(f"{x},{y}" for x, y in (xy(*c) for c in t)) for t in tracks if len(t) > 1
        ],
    }
