# ADR 0223: a utility already running offers the six request types of 3.2.14.11 and "Outros serviços" too (a new one
# gets them from the default).

from django.db import migrations

NEW = ["branch_leak", "meter_stand_leak", "blockage", "pothole", "valve_replacement", "other_service"]


def offer_new_types(apps, schema_editor):
    AgencySettings = apps.get_model("portal", "AgencySettings")
    for row in AgencySettings.objects.all():
        types = list(row.request_types or [])
        added = [code for code in NEW if code not in types]
        if added:
            row.request_types = types + added
            row.save(update_fields=["request_types"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_desk_protocols_moved"),
        ("service", "0011_agency_order_types"),
    ]

    operations = [migrations.RunPython(offer_new_types, migrations.RunPython.noop)]
