"""Alertmanager's webhook: a paging alert about a utility opens a chamado by itself.

Alertmanager re-sends firing alerts every repeat interval; the alert's fingerprint keeps that to one
open chamado per alert. Resolved notifications change nothing: a person closes the chamado with its
root cause, as the contract asks. Answers 200 even for alerts it ignores, so Alertmanager does not
retry them forever; only a failed authentication or a malformed body is refused.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.common.audit import SystemActor
from modules.common.errors import DomainError
from tenants.models import Tenant

from . import services
from .errors import ErrorCode
from .models import Incident, IncidentChannel, IncidentStatus

ACTOR = SystemActor("alertmanager")


class AlertIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=["firing", "resolved"])
    labels = serializers.DictField(child=serializers.CharField(allow_blank=True))
    annotations = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    fingerprint = serializers.CharField(max_length=64)


class WebhookIn(serializers.Serializer):
    alerts = AlertIn(many=True)


class AuthenticationFailed(DomainError):
    status = 401
    code = ErrorCode.NOT_AUTHENTICATED


class AlertmanagerWebhookApi(APIView):
    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    @extend_schema(request=WebhookIn, responses={200: None})
    def post(self, request: Request) -> Response:
        token = getattr(settings, "ALERTMANAGER_WEBHOOK_TOKEN", "")
        header = request.headers.get("Authorization", "")
        if not token or not header.startswith("Bearer ") or not secrets.compare_digest(header[7:], token):
            raise AuthenticationFailed("Token do Alertmanager ausente ou inválido.")
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        opened: list[str] = []
        ignored: list[dict[str, str]] = []
        now = timezone.now()
        for alert in data.validated_data["alerts"]:
            outcome = self._handle(alert, now)
            if outcome.startswith("opened:"):
                opened.append(outcome.removeprefix("opened:"))
            else:
                ignored.append({"fingerprint": alert["fingerprint"], "reason": outcome})
        return Response({"opened": opened, "ignored": ignored})

    @staticmethod
    def _handle(alert: dict[str, Any], now: Any) -> str:
        labels = alert["labels"]
        if alert["status"] != "firing":
            return "resolved"
        if labels.get("severity") != "page":
            return "not_paging"
        schema = labels.get("tenant", "")
        tenant = Tenant.objects.exclude(schema_name="public").filter(schema_name=schema).first()
        if tenant is None:
            return "no_tenant"
        already = Incident.objects.filter(alert_fingerprint=alert["fingerprint"]).exclude(
            status=IncidentStatus.CLOSED
        )
        if already.exists():
            return "already_open"
        priority = int(labels["priority"]) if labels.get("priority", "").isdigit() else 0
        summary = alert["annotations"].get("summary") or labels.get("alertname", "alerta")
        incident = services.incident_open(
            actor=ACTOR,
            tenant=tenant,
            priority=min(priority, 6),
            now=now,
            channel=IncidentChannel.MONITORING,
            description=f"[{labels.get('alertname', 'alerta')}] {summary}",
            alert_fingerprint=alert["fingerprint"],
        )
        return f"opened:{incident.protocol}"
