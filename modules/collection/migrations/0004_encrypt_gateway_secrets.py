"""The Pagar.me secret key, the webhook's URL secret and its password become ciphertext (ADR 0012).

Runs in every tenant schema; the columns widen to text (a Fernet token is about 4/3 of the clear
text plus 73 bytes), then the rows written before are encrypted in place.
"""

from django.db import migrations

import modules.common.fields


def encrypt_rows(apps, schema_editor):
    modules.common.fields.encrypt_plaintext_rows(
        schema_editor, "collection_gatewayaccount", ["secret_key", "webhook_token", "webhook_password"]
    )


class Migration(migrations.Migration):

    dependencies = [
        ('collection', '0003_card_checkout_and_card_operators'),
    ]

    operations = [
        migrations.AlterField(
            model_name='gatewayaccount',
            name='secret_key',
            field=modules.common.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='gatewayaccount',
            name='webhook_password',
            field=modules.common.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='gatewayaccount',
            name='webhook_token',
            field=modules.common.fields.EncryptedTextField(),
        ),
        # no reverse: decrypting back into the clear is never wanted (and the keys may be gone)
        migrations.RunPython(encrypt_rows, migrations.RunPython.noop),
    ]
