"""The release's notices through real Celery workers (a `batch` and an `interactive` process, as
rundemo and the Helm chart start them) on the real RabbitMQ, against committed rows: the hook's
task creates the deliveries, each delivery's task sends it to the local fakes, and the release's
task and the scan run again send nothing twice."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from fakes.channels import FakeSmsGateway
from fakes.whatsapp import FakeWhatsApp
from modules.common.tenancy import tenant_context
from tests import workers
from tests.conftest import class_queues, purge_queues


def _wait(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the workers did not finish in time"
        time.sleep(0.3)


def test_a_release_through_real_workers_sends_each_notice_once(
    django_db_setup: Any, django_db_blocker: Any
) -> None:
    from modules.billing.hooks import bills_released
    from modules.billing.models import Bill, BillingRun
    from modules.notifications.models import Delivery, NotificationSettings, Subscription
    from modules.notifications.tasks import notifications_scan
    from modules.registry.models import BillingGroup, Customer, Property
    from modules.service.models import ChannelSettings
    from tests.collection import factories as cf
    from tests.registry import factories as rf

    sms = FakeSmsGateway(token="sms-w").start()
    wa = FakeWhatsApp(token="wa-w").start()
    with django_db_blocker.unblock(), tenant_context("alpha"):
        purge_queues(class_queues())
        channels = ChannelSettings.current()
        saved_channels = (channels.sms_base_url, channels.sms_token)
        ChannelSettings.objects.filter(pk=channels.pk).update(sms_base_url=sms.url, sms_token="sms-w")
        notices = NotificationSettings.current()
        saved_notices = (notices.whatsapp_base_url, notices.whatsapp_token)
        NotificationSettings.objects.filter(pk=1).update(whatsapp_base_url=wa.url, whatsapp_token="wa-w")
        seed = random.randint(200_000_000, 899_999_999)
        customer = rf.customer("Rosa Worker", document=rf.cpf(seed))
        prop = rf.prop(holder=customer, lot=random.randint(2000, 9000), block=random.randint(100, 900))
        group = BillingGroup.objects.create(code=random.randint(500, 990), name="Grupo do teste")
        run = BillingRun.objects.create(
            group=group, reference=dt.date(2031, 5, 1), status="released", created_by="teste"
        )
        bill = cf.bill(prop, "40.56", dt.date(2031, 6, 10), dt.date(2031, 5, 1))
        Bill.objects.filter(pk=bill.pk).update(run=run)
        Subscription.objects.create(
            property=prop, sms=True, whatsapp=True, events=["bill_issued"], mobile="+5511955554444"
        )
        try:
            with workers.worker("batch", "--concurrency=1"), workers.worker("interactive", "--concurrency=2"):
                bills_released(run.pk)  # what run_release calls once committed
                _wait(lambda: Delivery.objects.filter(property=prop, status="sent").count() == 2)
                assert [m["to"] for m in sms.messages] == ["+5511955554444"]
                assert [m["to"] for m in wa.messages] == ["5511955554444"]
                # again: the release's task, the beat's scan, and both at once
                bills_released(run.pk)
                notifications_scan.apply_async()
                bills_released(run.pk)
                time.sleep(8)
                assert Delivery.objects.filter(property=prop).count() == 2
                assert (len(sms.messages), len(wa.messages)) == (1, 1)
            rows = sorted(Delivery.objects.filter(property=prop).values_list("channel", "status", "attempts"))
            assert rows == [("sms", "sent", 1), ("whatsapp", "sent", 1)]
        finally:
            Delivery.objects.filter(property=prop).delete()
            Subscription.objects.filter(property=prop).delete()
            Bill.objects.filter(pk=bill.pk).delete()
            BillingRun.objects.filter(pk=run.pk).delete()
            BillingGroup.objects.filter(pk=group.pk).delete()
            Property.objects.filter(pk=prop.pk).delete()
            Customer.objects.filter(pk=customer.pk).delete()
            ChannelSettings.objects.filter(pk=channels.pk).update(
                sms_base_url=saved_channels[0], sms_token=saved_channels[1]
            )
            NotificationSettings.objects.filter(pk=1).update(
                whatsapp_base_url=saved_notices[0], whatsapp_token=saved_notices[1]
            )
            sms.stop()
            wa.stop()
