"""The chosen due day moves to billing (`billing.DueDayChoice`, which the billing run reads): copy
every row (day, when, by whom), then drop `portal.DueDay`. Reversible: the way back copies them home."""

from typing import Any

from django.db import migrations


def to_billing(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("portal", "DueDay")
    new = apps.get_model("billing", "DueDayChoice")
    for row in old.objects.all().iterator():
        new.objects.update_or_create(
            property_id=row.property_id, defaults={"day": row.day, "changed_by": row.changed_by}
        )
        # update() skips auto_now: the moment of the citizen's choice survives the move
        new.objects.filter(property_id=row.property_id).update(changed_at=row.changed_at)


def to_portal(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("portal", "DueDay")
    new = apps.get_model("billing", "DueDayChoice")
    for row in new.objects.all().iterator():
        old.objects.update_or_create(
            property_id=row.property_id, defaults={"day": row.day, "changed_by": row.changed_by}
        )
        if row.changed_at:
            old.objects.filter(property_id=row.property_id).update(changed_at=row.changed_at)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("billing", "0003_due_day_choice_changed"),
    ]

    operations = [
        migrations.RunPython(to_billing, to_portal),
        migrations.DeleteModel(name="DueDay"),
    ]
