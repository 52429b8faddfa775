"""Staff TOTP secrets become ciphertext (ADR 0012), in the public schema (vendor users) and in
every tenant schema (the utility's staff); existing secrets are encrypted in place."""

from django.db import migrations

import modules.common.fields


def encrypt_rows(apps, schema_editor):
    modules.common.fields.encrypt_plaintext_rows(schema_editor, "access_user", ["totp_secret"])


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='totp_secret',
            field=modules.common.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
    ]
