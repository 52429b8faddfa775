"""A return file is a duplicate when what it says (not its bytes) or its agent's NSA was seen before.

Existing rows get their content fingerprint from what their import stored (the header's bank, NSA and
date, the trailer, every G record's payment), the same fingerprint a new file gets from its parse.
Files imported twice before this rule (the same file with CRLF instead of LF) are kept and pointed at
the first import (`duplicate_of`), outside the unique constraints, so staff can find and reverse their
payments; the count is printed.
"""

from django.db import migrations, models
from django.db.models import Q

from modules.collection.domain.return_file import PaymentFingerprint, content_fingerprint


def backfill(apps, schema_editor):
    ReturnFile = apps.get_model("collection", "ReturnFile")
    Payment = apps.get_model("collection", "Payment")
    first_by_content: dict[str, int] = {}
    first_by_nsa: dict[tuple[int, int], int] = {}
    duplicates = 0
    for rf in ReturnFile.objects.select_related("agent").order_by("created_at", "id").iterator():
        payments = [
            PaymentFingerprint(*row)
            for row in Payment.objects.filter(return_file_id=rf.pk).values_list(
                "line", "barcode", "amount", "fee", "paid_on", "credited_on", "authentication"
            )
        ]
        rf.content_sha256 = content_fingerprint(
            bank_code=rf.agent.code,
            sequence=rf.sequence,
            generated_on=rf.generated_on,
            record_count=rf.record_count,
            total=rf.total,
            payments=payments,
        )
        earlier = first_by_content.get(rf.content_sha256) or first_by_nsa.get((rf.agent_id, rf.sequence))
        if earlier is None:
            first_by_content[rf.content_sha256] = rf.pk
            first_by_nsa[(rf.agent_id, rf.sequence)] = rf.pk
        else:
            rf.duplicate_of_id = earlier
            duplicates += 1
        rf.save(update_fields=["content_sha256", "duplicate_of"])
    if duplicates:
        print(  # noqa: T201 — the operator running migrate must see it
            f"\n  {schema_editor.connection.schema_name}: {duplicates} arquivo(s) retorno importado(s) em "
            "duplicidade antes da regra de NSA; veja ReturnFile.duplicate_of"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0005_plain_words_for_online_payment"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnfile",
            name="duplicate_of",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="collection.returnfile",
            ),
        ),
        migrations.AddField(
            model_name="returnfile",
            name="content_sha256",
            field=models.CharField(default="", max_length=64, verbose_name="SHA-256 do conteúdo normalizado"),
            preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="returnfile",
            constraint=models.UniqueConstraint(
                condition=Q(duplicate_of__isnull=True), fields=("content_sha256",), name="return_file_content_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="returnfile",
            constraint=models.UniqueConstraint(
                condition=Q(duplicate_of__isnull=True),
                fields=("agent", "sequence"),
                name="return_file_nsa_once_per_agent",
            ),
        ),
    ]
