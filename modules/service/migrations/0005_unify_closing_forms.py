"""One closing form per service code (3.2.11.8, 3.2.12.3): the field app's `ClosingField` rows
become the order engine's `ClosingForm` (a code that already has one keeps it), and the answers a
phone closing stored in `FieldClosing.answers` become the order's `OrderClosingData` (when the
order has none). Then the duplicates go."""

from django.db import migrations


def _text(value):
    if isinstance(value, bool):
        return "sim" if value else "não"
    return str(value)


def forwards(apps, schema_editor):
    ClosingField = apps.get_model("service", "ClosingField")
    ClosingForm = apps.get_model("service", "ClosingForm")
    FieldClosing = apps.get_model("service", "FieldClosing")
    OrderClosingData = apps.get_model("service", "OrderClosingData")
    by_code: dict[int, list[dict]] = {}
    for row in ClosingField.objects.order_by("code_id", "position", "id"):
        by_code.setdefault(row.code_id, []).append(
            {
                "name": row.key.replace("-", "_").lower()[:40],
                "label": row.label,
                "kind": row.kind,
                "required": row.required,
                "choices": [str(c) for c in row.choices or []] if row.kind == "choice" else [],
            }
        )
    for code_id, fields in by_code.items():
        ClosingForm.objects.get_or_create(code_id=code_id, defaults={"fields": fields})
    for closing in FieldClosing.objects.exclude(answers={}):
        if closing.answers and not OrderClosingData.objects.filter(order_id=closing.order_id).exists():
            OrderClosingData.objects.create(
                order_id=closing.order_id,
                values={str(k): _text(v) for k, v in closing.answers.items() if v not in (None, "")},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0004_connections"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="fieldclosing", name="answers"),
        migrations.DeleteModel(name="ClosingField"),
    ]
