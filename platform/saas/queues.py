"""Celery queues by class of work, and the one table that routes every task to its class.

A long batch (a run's chunks, hundreds of PDF batches) must never delay a provisioning or an SLA
probe: each class has its own queue and its own worker pool (rundemo, one Deployment each in the
Helm chart), so a full `batch` queue only keeps the batch workers busy.

- `interactive`: somebody is waiting for it (a provisioning, a person's own document or e-mail, a
  webhook's follow-up) or it is small and periodic (the per-tenant dispatchers and their short jobs).
- `probes`: the SLA availability probes and alert intake; a late probe is a false outage on the
  vendor's own report. (The Alertmanager webhook, saas/sla/alerts.py, opens its chamados in the
  request and enqueues nothing today; a task it adds belongs here.)
- `batch`: work measured in minutes (billing chunks, PDF batches, imports, reports, daily sweeps
  over a whole tenant).

To add a task: give it a `name=`, both `soft_time_limit` and `time_limit` (soft below hard), and add
that name to ROUTES with its class, e.g. `"modules.x.tasks.y": BATCH,`. A task missing here fails
tests/platform/test_queues.py (it would otherwise land in the default, interactive, queue unnoticed).
A beat sweep that fans out through dispatch_to_tenants routes each tenant's message by its own
task's entry here. See ADR 0014.

Every queue name carries one prefix (CELERY_QUEUE, `manancial` by default): the test settings give
each test database and xdist worker its own prefix, and the demo of each checkout can have its own.
"""

from __future__ import annotations

INTERACTIVE = "interactive"
PROBES = "probes"
BATCH = "batch"
CLASSES = (INTERACTIVE, PROBES, BATCH)

ROUTES: dict[str, str] = {
    # provisioning: the ops console waits for the new utility's host to answer
    "tenants.provision": INTERACTIVE,
    # the sweep that retries a provisioning stuck past its time: it is what unblocks a waiting vendor
    "tenants.provisioning_sweep": INTERACTIVE,
    # beat's per-tenant fan-out: one message per tenant, each routed by its own task's class
    "modules.common.tasks.dispatch_to_tenants": INTERACTIVE,
    "modules.common.tasks.dispatch_heartbeat": INTERACTIVE,
    "modules.common.tasks.tenant_heartbeat": INTERACTIVE,
    # nightly audit chain check and retention purge (ADR 0240): long scans, off the interactive queue
    "modules.common.tasks.audit_chain_check": BATCH,
    "modules.common.tasks.audit_retention_purge": BATCH,
    "modules.privacy.tasks.fraud_hunt": BATCH,
    # a citizen's abandoned card checkout returns its bills to open within minutes (VA-13)
    "modules.collection.tasks.card_checkouts_expire": INTERACTIVE,
    "saas.sla.tasks.probe_tenants": PROBES,
    "saas.sla.tasks.probe_tenant": PROBES,
    "billing.run_chunk": BATCH,
    # a few queries per tenant, and it must not wait behind the batch backlog it is watching
    "billing.runs_sweep": INTERACTIVE,
    "billing.render_pdfs": BATCH,
    # a whole tenant's agreements, once a day
    "modules.debt.tasks.agreements_enforce": BATCH,
    # a whole tenant's expiring meters, once a night: an order each (abertura automática)
    "modules.service.tasks.meters_expiring_open": BATCH,
    # a whole tenant's contracts, once a month (medição)
    "modules.service.tasks.measurements_monthly": BATCH,
    # one order's forecast material to the inventory, right after it opens (short HTTP call)
    "modules.service.tasks.inventory_send": INTERACTIVE,
    # a tenant's positions past their retention, once a night (personal data)
    "modules.service.tasks.field_positions_prune": BATCH,
    # nightly: sewer release letters past their deadline fined once (3.2.11.32)
    "modules.service.tasks.sewer_letters_sweep": BATCH,
    # a whole tenant's rental contracts past their end, once a day (S10.15-03)
    "modules.registry.tasks.rental_contracts_expire": BATCH,
    # nightly: fraud-inspection orders for units cut too long (h-docs, ADR 0228)
    "modules.service.tasks.loss_inspections_open": BATCH,
    # a tenant's credit bureau exchange: daily, and right after a listed debt is paid (Súmula 548)
    "modules.debt.tasks.bureau_run": BATCH,
    # a whole tenant's collection ladder (notices, cut orders), once a day
    "modules.debt.tasks.ladder_daily": BATCH,
    # the citizens' notices (modules/notifications, ADR 0207): a release's notices and the periodic
    # scan are batch work; sending one notice is interactive (a confirmation code waits on it)
    "notifications.bills_released": BATCH,
    "notifications.scan": BATCH,
    "notifications.deliver": INTERACTIVE,
    # a tenant's reader device positions past their retention, once a night (personal data)
    "modules.reading.tasks.device_positions_prune": BATCH,
    # the monthly closings of collection staff scheduled (h-pay, ADR 0237)
    "modules.collection.tasks.closings_run": BATCH,
    # the agents' bank-file inbox folders (h-pay, ADR 0238)
    "modules.collection.tasks.bank_inbox_poll": BATCH,
    # one management report run (h-reports, ADR 0233): minutes over a whole utility's month
    "modules.reports.tasks.report_run": BATCH,
}


def queue_name(prefix: str, work_class: str) -> str:
    if work_class not in CLASSES:
        raise ValueError(f"unknown class of work: {work_class}")
    return f"{prefix}.{work_class}"


def queue_names(prefix: str) -> dict[str, str]:
    """Class of work → queue name, for workers (`-Q`) and fixtures."""
    return {work_class: queue_name(prefix, work_class) for work_class in CLASSES}


def task_routes(prefix: str) -> dict[str, dict[str, str]]:
    """CELERY_TASK_ROUTES: each task name to its class's queue."""
    return {task: {"queue": queue_name(prefix, work_class)} for task, work_class in ROUTES.items()}
