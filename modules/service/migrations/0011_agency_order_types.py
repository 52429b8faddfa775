# ADR 0223: a protocol type may name the service code of the order an agency request opens; the six
# request types of 3.2.14.11 get their types, linked to the codes the first request makes.

from django.db import migrations, models


def seed_agency_order_types(apps, schema_editor):
    from modules.service.domain.protocols import AGENCY_ORDER_CODES, SERVICE_REQUEST_TYPES

    ProtocolType = apps.get_model("service", "ProtocolType")
    labels = {t.code: t for t in SERVICE_REQUEST_TYPES}
    for t in SERVICE_REQUEST_TYPES:  # a utility older than the new types
        if not ProtocolType.objects.filter(code=t.code).exists():
            ProtocolType.objects.create(
                code=t.code,
                kind="service",
                label=t.label,
                deadline_days=t.deadline_days,
                position=ProtocolType.objects.filter(kind="service").count(),
            )
    for item in AGENCY_ORDER_CODES:  # the code itself is made by the first request (ADR 0223)
        row = ProtocolType.objects.get(code=labels[item.request_type].code)
        if not row.service_code:
            row.service_code = item.code
            row.save(update_fields=["service_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0010_consumption_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="protocoltype",
            name="service_code",
            field=models.CharField(
                blank=True,
                help_text="Vazio: o pedido fica só como protocolo.",
                max_length=20,
                verbose_name="código de serviço da OS aberta pela agência",
            ),
        ),
        migrations.RunPython(seed_agency_order_types, migrations.RunPython.noop),
    ]
