"""Citizen API of the notices (issue 23, ADR 0207): which notices on which channels for the
property the citizen signed in with, the devices that take Web Push, the mobile number confirmed by
an SMS code, and the digital bill. Writes go through modules/notifications' services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.http import client_ip
from modules.notifications import services as notices
from modules.notifications.domain import events as ev
from modules.notifications.models import NotificationSettings, Subscription
from modules.notifications.webpush import application_server_key
from modules.registry.models import Property

from ..access import access_property_by_id, holder_required
from ..auth import CitizenActor
from .base import CitizenView


class ChannelsSerializer(serializers.Serializer):
    email = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)
    whatsapp = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        problem = ev.channels_problem(dict.fromkeys(data, True)) if isinstance(data, dict) else ""
        if problem:
            raise serializers.ValidationError(problem)
        return super().to_internal_value(data)


class PreferencesSerializer(serializers.Serializer):
    channels = ChannelsSerializer()
    events = serializers.ListField(
        child=serializers.CharField(max_length=40),
        help_text=f"Avisos escolhidos, entre: {', '.join(ev.EVENTS)} (os que a concessionária oferece)",
    )


class PreferencesApi(CitizenView):
    """The notices of the property the citizen signed in with."""

    def _prop(self) -> Property:
        return access_property_by_id(self.grant, self.grant.signed_property_id)

    @extend_schema(operation_id="citizen_notification_preferences", responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(notices.preferences_of(self._prop()).as_dict())

    @extend_schema(
        operation_id="citizen_notification_preferences_set",
        request=PreferencesSerializer,
        responses=PreferencesSerializer,
    )
    def post(self, request: Request) -> Response:
        holder_required(self.grant)
        data = PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        chosen = notices.preferences_set(
            actor=CitizenActor(self.grant),
            prop=self._prop(),
            channels=dict(v["channels"]),
            events=list(v["events"]),
            source="api",
            ip=client_ip(request),
        )
        return Response(chosen.as_dict())


class OfferedOutput(serializers.Serializer):
    events = serializers.ListField(child=serializers.DictField())
    channels = serializers.ListField(child=serializers.DictField())
    due_soon_days = serializers.IntegerField()
    push_public_key = serializers.CharField(help_text="applicationServerKey do PushManager.subscribe")


class OfferedApi(CitizenView):
    @extend_schema(operation_id="citizen_notification_offered", responses=OfferedOutput)
    def get(self, request: Request) -> Response:
        conf = NotificationSettings.current()
        return Response(
            {
                "events": [{"code": c, "label": ev.EVENT_LABELS[c]} for c in conf.offered_events],
                "channels": [{"code": c, "label": ev.CHANNEL_LABELS[c]} for c in ev.CHANNELS],
                "due_soon_days": conf.due_soon_days,
                "push_public_key": application_server_key(notices.vapid_key_ensure()),
            }
        )


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=120)
    auth = serializers.CharField(max_length=40)


class PushDeviceInput(serializers.Serializer):
    """PushSubscription.toJSON() of the browser."""

    endpoint = serializers.URLField(max_length=1000)
    keys = PushKeysSerializer()


class PushDeviceApi(CitizenView):
    @extend_schema(operation_id="citizen_push_device_add", request=PushDeviceInput, responses={201: None})
    def post(self, request: Request) -> Response:
        holder_required(self.grant)
        data = PushDeviceInput(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        notices.push_device_add(
            prop=access_property_by_id(self.grant, self.grant.signed_property_id),
            endpoint=v["endpoint"],
            p256dh=v["keys"]["p256dh"],
            auth=v["keys"]["auth"],
        )
        return Response(status=status.HTTP_201_CREATED)


class MobileInput(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, help_text="Celular com DDD, ex.: (11) 98765-4321")


class MobileOutput(serializers.Serializer):
    mobile = serializers.CharField()
    confirmed = serializers.BooleanField()


class MobileApi(CitizenView):
    """3.2.14.1: the mobile number, confirmed by a code sent to it by SMS."""

    @extend_schema(
        operation_id="citizen_mobile_code_send", request=MobileInput, responses={202: MobileOutput}
    )
    def post(self, request: Request) -> Response:
        holder_required(self.grant)
        data = MobileInput(data=request.data)
        data.is_valid(raise_exception=True)
        prop = access_property_by_id(self.grant, self.grant.signed_property_id)
        number = notices.mobile_code_send(prop=prop, mobile=data.validated_data["mobile"])
        return Response({"mobile": number, "confirmed": False}, status=status.HTTP_202_ACCEPTED)


class EmailInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class EmailOutput(serializers.Serializer):
    email = serializers.CharField(help_text="O novo e-mail, que só vale depois do link confirmado")
    confirmed = serializers.BooleanField()


class EmailApi(CitizenView):
    """3.2.14.1 / 3.2.15.1 (the app and the totem): the e-mail of the holder's registry, changed only
    after the link sent to the new address is followed (VA-28)."""

    @extend_schema(operation_id="citizen_email_change", request=EmailInput, responses={202: EmailOutput})
    def post(self, request: Request) -> Response:
        from django.urls import reverse

        from .. import services as agency_services

        holder_required(self.grant)
        data = EmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        prop = access_property_by_id(self.grant, self.grant.signed_property_id)
        change = agency_services.email_change_request(
            grant=self.grant,
            prop=prop,
            new_email=data.validated_data["email"],
            confirm_url=lambda token: request.build_absolute_uri(
                reverse("agencia:email_confirm", args=[token])
            ),
        )
        return Response({"email": change.new_email, "confirmed": False}, status=status.HTTP_202_ACCEPTED)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=10)


class MobileConfirmApi(CitizenView):
    @extend_schema(operation_id="citizen_mobile_confirm", request=CodeInput, responses=MobileOutput)
    def post(self, request: Request) -> Response:
        holder_required(self.grant)
        data = CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        prop = access_property_by_id(self.grant, self.grant.signed_property_id)
        number = notices.mobile_confirm(
            actor=CitizenActor(self.grant), prop=prop, code=data.validated_data["code"]
        )
        return Response({"mobile": number, "confirmed": True})


class DigitalBillSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="true: conta só por e-mail, sem papel")


class DigitalBillApi(CitizenView):
    def _prop(self) -> Property:
        return access_property_by_id(self.grant, self.grant.signed_property_id)

    @extend_schema(operation_id="citizen_digital_bill", responses=DigitalBillSerializer)
    def get(self, request: Request) -> Response:
        sub = Subscription.objects.filter(property=self._prop()).first()
        return Response({"enabled": bool(sub and sub.digital_bill)})

    @extend_schema(
        operation_id="citizen_digital_bill_set",
        request=DigitalBillSerializer,
        responses=DigitalBillSerializer,
    )
    def post(self, request: Request) -> Response:
        holder_required(self.grant)
        data = DigitalBillSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        on = notices.digital_bill_set(
            actor=CitizenActor(self.grant),
            prop=self._prop(),
            on=data.validated_data["enabled"],
            source="api",
            ip=client_ip(request),
        )
        return Response({"enabled": on})
