"""Every task has an explicit class of work and time limits Celery accepts (saas/queues.py)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings

from saas import queues
from saas.celery import app


def _project_tasks() -> dict[str, Any]:
    app.loader.import_default_modules()  # what a worker imports at start: every app's tasks.py
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_the_project_has_the_tasks_this_test_is_about() -> None:
    expected = {"tenants.provision", "saas.sla.tasks.probe_tenant", "billing.render_pdfs"}
    assert expected <= set(_project_tasks())


def test_every_registered_task_has_an_explicit_route() -> None:
    missing = sorted(set(_project_tasks()) - set(queues.ROUTES))
    assert missing == [], f"tasks without a class of work in saas/queues.py ROUTES: {missing}"


def test_no_route_names_a_task_that_does_not_exist() -> None:
    assert sorted(set(queues.ROUTES) - set(_project_tasks())) == []


@pytest.mark.parametrize(
    ("task", "work_class"),
    [
        ("tenants.provision", "interactive"),
        ("modules.common.tasks.dispatch_to_tenants", "interactive"),
        ("saas.sla.tasks.probe_tenants", "probes"),
        ("saas.sla.tasks.probe_tenant", "probes"),
        ("billing.run_chunk", "batch"),
        ("billing.render_pdfs", "batch"),
        ("modules.debt.tasks.agreements_enforce", "batch"),
    ],
)
def test_the_router_sends_each_class_to_its_prefixed_queue(task: str, work_class: str) -> None:
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == f"{settings.CELERY_QUEUE_PREFIX}.{work_class}"


def test_the_test_queues_are_private_to_this_test_database() -> None:
    # pytest-django adds the xdist suffix to the database name later; the prefix carries the worker id
    database = os.environ.get("TEST_DATABASE_NAME", "test_manancial")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    expected = os.environ.get("CELERY_QUEUE", f"manancial-{database}-{worker}")  # an explicit one wins
    assert expected == settings.CELERY_QUEUE_PREFIX
    assert app.conf.task_default_queue == f"{settings.CELERY_QUEUE_PREFIX}.interactive"


def test_every_task_sets_a_soft_limit_below_its_hard_limit() -> None:
    """A task with only `time_limit` inherits the global soft limit: when that is above the hard
    limit, Celery's apply_async raises ValueError and the task is never sent (the SLA probes were)."""
    wrong = {
        name: (task.soft_time_limit, task.time_limit)
        for name, task in _project_tasks().items()
        if not (task.soft_time_limit and task.time_limit and task.soft_time_limit < task.time_limit)
    }
    assert wrong == {}


def test_no_task_inherits_a_soft_limit_above_its_own_hard_limit() -> None:
    global_soft = settings.CELERY_TASK_SOFT_TIME_LIMIT
    wrong = [
        name
        for name, task in _project_tasks().items()
        # an unset soft limit is filled in from the global one when the task is bound
        if task.time_limit < global_soft and task.soft_time_limit == global_soft
    ]
    assert wrong == []


def test_an_unknown_class_of_work_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown class of work: bulk"):
        queues.queue_name("manancial", "bulk")
