"""Staff API of access control: tokens, own password, users, audit search."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.common.api import PageNumberPagination
from modules.common.audit_chain import audit_chain_verify
from modules.common.clock import tenant_zone
from modules.common.errors import NotFound, ValidationFailed
from modules.common.http import client_ip

from . import selectors
from .errors import ErrorCode
from .models import Profile, User
from .permissions import HasFunction, IsAdministrator, IsAuthenticatedAndCurrent
from .services.passwords import password_change, password_change_required
from .services.sign_in import auth_authenticate
from .services.tokens import token_issue
from .services.users import user_create, user_set_active


class TokenIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(max_length=10, required=False, allow_blank=True)


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    password_change_required = serializers.BooleanField()


class TokenCreateApi(APIView):
    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]
    # limited per address and per account inside auth_authenticate (429, modules/access/limits.py)

    @extend_schema(
        request=TokenIn,
        responses={
            200: TokenOut,
            401: OpenApiResponse(description="usuário ou senha inválidos, conta bloqueada, segundo fator"),
            429: OpenApiResponse(description="muitas tentativas deste endereço ou desta conta (`throttled`)"),
        },
    )
    def post(self, request: Request) -> Response:
        data = TokenIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = auth_authenticate(ip=client_ip(request) or None, **data.validated_data)
        token = token_issue(user=user)
        return Response({"token": token, "password_change_required": password_change_required(user)})


class PasswordChangeIn(serializers.Serializer):
    current_password = serializers.CharField(trim_whitespace=False)
    new_password = serializers.CharField(trim_whitespace=False)


class PasswordChangeApi(APIView):
    permission_classes: ClassVar[list[Any]] = [IsAuthenticatedAndCurrent]
    allowed_with_expired_password = True

    @extend_schema(request=PasswordChangeIn, responses={204: None})
    def post(self, request: Request) -> Response:
        data = PasswordChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        password_change(
            user=request.user,
            current=data.validated_data["current_password"],
            new=data.validated_data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserOut(serializers.ModelSerializer):
    profiles = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "is_active",
            "is_admin",
            "profiles",
            "last_login",
            "totp_enabled",
            "must_change_password",
        ]


class MeApi(APIView):
    allowed_with_expired_password = True

    @extend_schema(responses={200: UserOut})
    def get(self, request: Request) -> Response:
        body = UserOut(request.user).data
        body["grants"] = {k: sorted(v) for k, v in request.user.grants().items()}
        return Response(body)


class UserIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_admin = serializers.BooleanField(default=False)
    profiles = serializers.ListField(child=serializers.CharField(), default=list)


class UserListCreateApi(APIView):
    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "access.users"

    @extend_schema(responses={200: UserOut(many=True)})
    def get(self, request: Request) -> Response:
        active = request.query_params.get("active")
        qs = selectors.user_list(
            active=None if active is None else active == "true", text=request.query_params.get("search", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(UserOut(page, many=True).data)

    @extend_schema(request=UserIn, responses={201: UserOut})
    def post(self, request: Request) -> Response:
        data = UserIn(data=request.data)
        data.is_valid(raise_exception=True)
        names = data.validated_data.pop("profiles")
        profiles = list(Profile.objects.filter(name__in=names))
        if len(profiles) != len(set(names)):
            from modules.common.errors import ValidationFailed

            raise ValidationFailed("Perfil desconhecido.", field="profiles", code=ErrorCode.INVALID)
        user, temporary = user_create(actor=request.user, profiles=profiles, **data.validated_data)
        body = UserOut(user).data
        body["temporary_password"] = temporary
        return Response(body, status=status.HTTP_201_CREATED)


class UserActivationIn(serializers.Serializer):
    users = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    active = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class UserActivationApi(APIView):
    permission_classes: ClassVar[list[Any]] = [IsAdministrator]

    @extend_schema(request=UserActivationIn, responses={200: None})
    def post(self, request: Request) -> Response:
        data = UserActivationIn(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["users"])
        users = list(User.objects.filter(pk__in=ids))
        if len(users) != len(ids):
            raise NotFound("Usuário não encontrado.", field="users", code=ErrorCode.USER_NOT_FOUND)
        changed = user_set_active(
            actor=request.user,
            users=users,
            active=data.validated_data["active"],
            reason=data.validated_data["reason"],
        )
        return Response({"changed": changed})


class AuditOut(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()
    reason = serializers.CharField()
    ip = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    workstation = serializers.CharField()
    seq = serializers.IntegerField(source="seal.seq", allow_null=True, default=None)
    # null until the row is sealed: the seal is written when its transaction commits (ADR 0240)
    row_hash = serializers.CharField(source="seal.row_hash", allow_null=True, default=None)
    legacy = serializers.BooleanField(default=False)


def _instant(value: str, *, name: str, end: bool) -> dt.datetime | None:
    """A period bound of the audit search: an instant, or a date in the utility's time zone (an end
    date includes its whole day)."""
    if not value:
        return None
    instant = parse_datetime(value)
    if instant is not None:
        return instant if instant.tzinfo else instant.replace(tzinfo=tenant_zone())
    day = parse_date(value)
    if day is None:
        raise ValidationFailed(
            f"{name}: informe uma data (AAAA-MM-DD) ou data e hora (ISO 8601).",
            field=name,
            code=ErrorCode.INVALID,
        )
    return dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min, tenant_zone())


def audit_filters(params: Any) -> dict[str, Any]:
    """The query of the audit search, in the issue's names (user, function, object "type" or
    "type:id", from, to, field) or the older ones (actor, action, object_type, object_id, since, until)."""
    obj = params.get("object", "")
    object_type, _, object_id = obj.partition(":") if obj else ("", "", "")
    return {
        "actor": params.get("user", "") or params.get("actor", ""),
        "action": params.get("function", "") or params.get("action", ""),
        "object_type": object_type or params.get("object_type", ""),
        "object_id": object_id or params.get("object_id", ""),
        "since": _instant(params.get("from", "") or params.get("since", ""), name="from", end=False),
        "until": _instant(params.get("to", "") or params.get("until", ""), name="to", end=True),
    }


class AuditOutLegacy(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField()
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    ip = serializers.CharField()
    workstation = serializers.CharField()
    detail = serializers.CharField()
    legacy = serializers.BooleanField(default=True)
    source = serializers.CharField(source="batch.source")
    raw = serializers.JSONField()


class AuditSearchApi(APIView):
    """Audit rows of the utility, newest first: `source=legado` answers the previous system's log
    (kept apart, marked `legacy`), `field` the rows whose change touched that field."""

    # GET answers a page ({count, next, previous, results}); drf-spectacular reads this for the schema
    pagination_class = PageNumberPagination
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "common.audit"

    @extend_schema(
        operation_id="audit_search",
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("user", "function", "object", "from", "to", "field", "source")
        ],
        responses={200: AuditOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        filters = audit_filters(params)
        paginator = PageNumberPagination()
        if params.get("source") == "legado":
            legacy = selectors.legacy_audit_search(**filters)
            page = paginator.paginate_queryset(legacy, request, view=self)
            return paginator.get_paginated_response(AuditOutLegacy(page, many=True).data)
        qs = selectors.audit_search(**filters, field=params.get("field", ""))
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AuditOut(page, many=True).data)


class ChainBreakOut(serializers.Serializer):
    entry_id = serializers.IntegerField(allow_null=True)
    seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    message = serializers.CharField()


class AuditVerifyOut(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    tip_seq = serializers.IntegerField()
    first_break = ChainBreakOut(allow_null=True)


class AuditVerifyApi(APIView):
    """Recompute the utility's audit chain: `{"ok": true, …}` or the first row where it breaks."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "common.audit"

    @extend_schema(operation_id="audit_verify", responses={200: AuditVerifyOut})
    def get(self, request: Request) -> Response:
        report = audit_chain_verify()
        brk = report.first_break
        return Response(
            {
                "ok": report.ok,
                "checked": report.checked,
                "tip_seq": report.tip_seq,
                "first_break": None
                if brk is None
                else {"entry_id": brk.entry_id, "seq": brk.seq, "reason": brk.reason, "message": brk.message},
            }
        )
