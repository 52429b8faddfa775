"""Staff API of the cut-off side of collection: the policy (GET/PUT), the earliest legal cut day, the
collection ladder's preview and run, the notices and their actions, the blocks of a unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import NotFound, ValidationFailed

from . import cutoff_policy, ladder, notices
from .errors import ErrorCode
from .models_cutoff import CollectionBlock, CutNotice


def _date(raw: Any, field: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationFailed(
            "Data inválida (use AAAA-MM-DD).", field=field, code=ErrorCode.INVALID
        ) from None


class CutoffPolicyApi(APIView):
    """GET: the policy in force today (the defaults on a fresh utility); PUT: a version from
    `effective_from` (today when absent) with the fields sent, the rest kept → 200."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.settings"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(cutoff_policy.policy_export(cutoff_policy.policy_in_force(tenant_today())))

    @extend_schema(request={"application/json": {"type": "object"}}, responses={200: OpenApiTypes.OBJECT})
    def put(self, request: Request) -> Response:
        data = dict(request.data) if isinstance(request.data, dict) else {}
        start = _date(data.pop("effective_from", None), "effective_from")
        row = cutoff_policy.cutoff_policy_put(
            actor=request.user, values=data, today=tenant_today(), effective_from=start
        )
        return Response(cutoff_policy.policy_export(row))


class EarliestIn(serializers.Serializer):
    notice_delivered_on = serializers.DateField()


class EarliestCutApi(APIView):
    """{"notice_delivered_on": "AAAA-MM-DD"} → {"earliest_cut_on": "AAAA-MM-DD"} under the policy
    in force on that day and the utility's calendar."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.position"
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(request=EarliestIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = EarliestIn(data=request.data)
        data.is_valid(raise_exception=True)
        day = cutoff_policy.earliest_cut_on(data.validated_data["notice_delivered_on"])
        return Response({"earliest_cut_on": day.isoformat()})


class LadderIn(serializers.Serializer):
    step = serializers.CharField()
    as_of = serializers.DateField(required=False)


class _LadderApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.collection"

    def _args(self, request: Request) -> tuple[str, dt.date]:
        data = LadderIn(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["step"], data.validated_data.get("as_of") or tenant_today()


class LadderPreviewApi(_LadderApi):
    """{"step": code, "as_of": "AAAA-MM-DD"} → the selection's counts and amounts, nothing written."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(request=LadderIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        step, as_of = self._args(request)
        return Response(ladder.preview(step, as_of=as_of).as_json())


class LadderRunApi(_LadderApi):
    """Commits the same selection the preview shows; a second run on the same day adds nothing."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=LadderIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        step, as_of = self._args(request)
        return Response(ladder.run(step, as_of=as_of, actor=request.user).as_json())


def notice_json(n: CutNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "number": n.number,
        "kind": n.kind,
        "property": n.property_id,
        "status": n.status,
        "issued_on": n.issued_on.isoformat(),
        "delivered_on": n.delivered_on.isoformat(),
        "cut_from": n.cut_from.isoformat(),
        "bills": n.bill_ids,
        "amount": str(n.amount),
        "fee": str(n.fee),
        "order_id": n.order_id,
        "closed_reason": n.closed_reason,
    }


class NoticeActionIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class RescheduleIn(NoticeActionIn):
    cut_from = serializers.DateField()


class _NoticeApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.collection"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @staticmethod
    def _input(request: Request) -> dict[str, Any]:
        data = NoticeActionIn(data=request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


class NoticeCancelApi(_NoticeApi):
    """A pending notice cancelled with its parecer: it no longer leads to a cut order (3.2.9.10)."""

    @extend_schema(request=NoticeActionIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = self._input(request)
        row = notices.notice_cancel(actor=request.user, notice_id=pk, reason=data["reason"])
        return Response(notice_json(row))


class NoticeRescheduleApi(_NoticeApi):
    """A pending notice's cut day moved (3.2.9.9): never before the earliest legal day."""

    @extend_schema(request=RescheduleIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = RescheduleIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = notices.notice_reschedule(
            actor=request.user, notice_id=pk, cut_from=v["cut_from"], reason=v["reason"]
        )
        return Response(notice_json(row))


class BlockIn(serializers.Serializer):
    scope = serializers.ChoiceField(choices=CollectionBlock.Scope.choices, default=CollectionBlock.Scope.BOTH)
    ends_on = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=1000)


class PropertyBlockApi(APIView):
    """3.2.9.15: keeps the unit out of the notices and/or the cut orders from today (201)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.collection"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=BlockIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = BlockIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            block = notices.block_create(
                actor=request.user,
                property_id=pk,
                scope=v["scope"],
                ends_on=v.get("ends_on"),
                reason=v["reason"],
                today=tenant_today(),
            )
        except LookupError:
            raise NotFound(
                "Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND
            ) from None
        return Response(
            {"id": block.pk, "scope": block.scope, "starts_on": block.starts_on.isoformat()},
            status=status.HTTP_201_CREATED,
        )


class LettersIn(serializers.Serializer):
    """3.2.9.6's filters, every one optional: one property, a route range, a reference period
    (months, AAAA-MM-DD), an open-amount range, a count of overdue bills, months in arrears, category
    codes and the property's situation."""

    account_number = serializers.CharField(required=False, allow_blank=True, default="")
    route_from = serializers.IntegerField(required=False, allow_null=True, default=None)
    route_to = serializers.IntegerField(required=False, allow_null=True, default=None)
    reference_from = serializers.DateField(required=False, allow_null=True, default=None)
    reference_to = serializers.DateField(required=False, allow_null=True, default=None)
    amount_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    amount_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    bills_min = serializers.IntegerField(required=False, default=1)
    bills_max = serializers.IntegerField(required=False, allow_null=True, default=None)
    months_in_arrears = serializers.IntegerField(required=False, default=0)
    categories = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    property_status = serializers.CharField(required=False, allow_blank=True, default="")


class _LettersApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.collection"

    @staticmethod
    def _filters(request: Request) -> Any:
        from .letters import LetterFilters

        data = LettersIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v["categories"] = tuple(str(c).strip() for c in v["categories"] if str(c).strip())
        return LetterFilters(**v)


class LettersPreviewApi(_LettersApi):
    """The units in arrears the filters choose, with their overdue bills and totals; nothing written."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(
        request=LettersIn, responses={200: OpenApiTypes.OBJECT}, operation_id="debt_letters_preview"
    )
    def post(self, request: Request) -> Response:
        from .letters import letter_selection

        rows = letter_selection(self._filters(request), tenant_today())
        return Response(
            {
                "count": len(rows),
                "total": str(sum((r.total for r in rows), Decimal("0.00"))),
                "rows": [
                    {
                        "property": r.property_id,
                        "account_number": r.account_number,
                        "bills": r.bills,
                        "total": str(r.total),
                        "oldest_due": r.oldest_due.isoformat(),
                    }
                    for r in rows
                ],
            }
        )


class LettersIssueApi(_LettersApi):
    """One collection letter per chosen unit (201): a payable statement whose FEBRABAN barcode settles
    the listed bills, with its PDF address."""

    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=LettersIn, responses={201: OpenApiTypes.OBJECT}, operation_id="debt_letters_issue")
    def post(self, request: Request) -> Response:
        from .letters import letters_issue

        docs = letters_issue(actor=request.user, filters=self._filters(request), as_of=tenant_today())
        return Response(
            {
                "count": len(docs),
                "letters": [
                    {
                        "document": d.pk,
                        "property": d.property_id,
                        "amount": str(d.amount),
                        "valid_until": d.valid_until.isoformat(),
                        "barcode": d.barcode,
                        "typeable_line": d.typeable_line,
                        "pdf": f"/cobranca/documentos/{d.pk}.pdf",
                    }
                    for d in docs
                ],
            },
            status=status.HTTP_201_CREATED,
        )
