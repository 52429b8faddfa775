"""The writes of the reports module: asking for a run (validated, stored, queued on commit) and
carrying it out (in the batch worker: progress, file, totals)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from . import engine, outputs
from .datasets import SOURCES
from .domain.spec import Definition, Params, ReportInputError, validate
from .errors import ErrorCode
from .models import ReportRun
from .selectors import definition_get

logger = logging.getLogger(__name__)


def params_validate(definition: Definition, raw: dict[str, Any], fmt: str) -> Params:
    """The run's parameters typed, or ValidationFailed in pt-BR naming the parameter."""
    if not isinstance(raw, dict):
        raise ValidationFailed(
            "params: informe um objeto com os filtros.", field="params", code=ErrorCode.INVALID
        )
    try:
        return validate(
            definition,
            SOURCES[definition.dataset].spec,
            raw,
            fmt,
            max_period_days=int(getattr(settings, "REPORTS_MAX_PERIOD_DAYS", 0)),
        )
    except ReportInputError as exc:
        raise ValidationFailed(exc.message, field=exc.field, code=exc.code) from None


@transaction.atomic(durable=True)
def report_run_request(
    *,
    actor: Actor,
    code: str,
    params: dict[str, Any],
    fmt: str,
    rerun_of: ReportRun | None = None,
    enqueue: bool = True,
) -> ReportRun:
    """A run asked for: validated now (a bad filter is refused before anything is stored), kept
    with its parameters as given, and handed to the batch queue once committed."""
    definition = definition_get(code)
    params_validate(definition, params, fmt)
    run: ReportRun = ReportRun.objects.create(
        code=definition.code,
        title=definition.title,
        params={k: v for k, v in params.items() if v not in (None, "")},
        format=fmt,
        requested_by_id=actor.pk if isinstance(actor.pk, int) else None,
        rerun_of=rerun_of,
    )
    audit_record(
        actor=actor,
        action="reports.run_request",
        target=run,
        after={"code": code, "params": run.params, "format": fmt},
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import report_run

    report_run.delay(run_id)


def report_run_again(*, actor: Actor, run: ReportRun, enqueue: bool = True) -> ReportRun:
    """The same report with the same parameters and format, as a new run (the old file stays).
    Not durable itself: report_run_request opens the transaction."""
    again: ReportRun = report_run_request(
        actor=actor, code=run.code, params=dict(run.params), fmt=run.format, rerun_of=run, enqueue=enqueue
    )
    return again


def _progress(run_id: int, percent: int) -> None:
    ReportRun.objects.filter(pk=run_id, progress__lt=percent).update(progress=min(percent, 100))


def _jsonable(totals: dict[str, Any]) -> dict[str, Any]:
    return {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in totals.items()}


def report_run_execute(*, run_id: int) -> ReportRun:
    """Carry out one run. Not one transaction: each step commits on its own statement, so the page
    sees the progress while it runs. Idempotent: a run already done is left as it is (a redelivered message
    finds nothing to do); a run that failed stays failed with its reason, for a person to run again."""
    claimed = ReportRun.objects.filter(
        pk=run_id, status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING]
    ).update(status=ReportRun.Status.RUNNING, started_at=timezone.now(), progress=5)
    run: ReportRun = ReportRun.objects.get(pk=run_id)
    if not claimed:
        return run
    try:
        definition = definition_get(run.code)
        params = params_validate(definition, run.params, run.format)
        result = engine.run(definition, params, on_progress=lambda p: _progress(run_id, 5 + p * 85 // 100))
        body = outputs.render(result, run.format)
        _progress(run_id, 95)
        stamp = timezone.now()
        name = f"{run.code}-{run.pk}-{stamp:%Y%m%d%H%M%S}.{run.format}"
        run.file.save(name, ContentFile(body), save=False)
        run.rows = len(result.rows) or len(result.summary)
        run.totals = _jsonable(result.totals)
        run.status = ReportRun.Status.DONE
        run.progress = 100
        run.finished_at = timezone.now()
        run.save(update_fields=["file", "rows", "totals", "status", "progress", "finished_at"])
    except ValidationFailed as exc:
        _fail(run, exc.message)
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        _fail(run, f"Erro ao gerar o relatório ({type(exc).__name__}). A equipe de suporte foi avisada.")
        raise
    return run


def _fail(run: ReportRun, message: str) -> None:
    run.status = ReportRun.Status.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def report_preview(*, code: str, params: dict[str, Any], fmt: str = "csv") -> engine.Result:
    """The result in memory (tests and the API's reconciliation checks); writes nothing."""
    definition = definition_get(code)
    return engine.run(definition, params_validate(definition, params, fmt))
