"""The group schedule's automatic-debit date (S12.1-01); the months already generated debit on their
due date, as the remittance did until now."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0010_h_reader_track_every"),
    ]

    operations = [
        migrations.AddField(
            model_name="readingschedule",
            name="debit_date",
            field=models.DateField(null=True, verbose_name="débito automático"),
        ),
        migrations.RunSQL(
            "UPDATE reading_readingschedule SET debit_date = due_date", reverse_sql=migrations.RunSQL.noop
        ),
        migrations.AlterField(
            model_name="readingschedule",
            name="debit_date",
            field=models.DateField(verbose_name="débito automático"),
        ),
    ]
