import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0011_pay_bank_inbox"),
        ("debt", "0009_debt_level_windows_notice_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="installment",
            name="paid_document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="collection.paymentdocument",
            ),
        ),
    ]
