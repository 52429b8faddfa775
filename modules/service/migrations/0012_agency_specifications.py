# VA-23: a protocol type's specifications (each with its deadline) and the one a request chose; the
# leak types get seed 003's RUA / CALÇADA on every utility (an edited list is kept).

from django.db import migrations, models


def seed_specifications(apps, schema_editor):
    from modules.service.domain.protocols import DEFAULT_SPECIFICATIONS

    ProtocolType = apps.get_model("service", "ProtocolType")
    for code, specs in DEFAULT_SPECIFICATIONS.items():
        ProtocolType.objects.filter(code=code, specifications=[]).update(specifications=specs)


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0011_agency_order_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="protocoltype",
            name="specifications",
            field=models.JSONField(blank=True, default=list, verbose_name="especificações"),
        ),
        migrations.AddField(
            model_name="servicerequest",
            name="specification",
            field=models.CharField(blank=True, max_length=120, verbose_name="especificação"),
        ),
        migrations.RunPython(seed_specifications, migrations.RunPython.noop),
    ]
