# R-05 (ADR 0225): the matrícula's check-digit rule and separator as the utility's setting.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_rental"),
    ]

    operations = [
        migrations.CreateModel(
            name="NumberingSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "account_rule",
                    models.CharField(
                        choices=[
                            ("mod11", "Módulo 11; base cujo dígito daria 10 não é emitida"),
                            ("mod11_zero", "Módulo 11; dígito 10 vira 0 (como no GSAN)"),
                        ],
                        default="mod11",
                        max_length=12,
                        verbose_name="dígito verificador da matrícula",
                    ),
                ),
                (
                    "account_separator",
                    models.CharField(
                        choices=[("-", "Hífen (464726-2)"), (".", "Ponto (464726.2)")],
                        default="-",
                        max_length=1,
                        verbose_name="separador do dígito",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "numeração da matrícula"},
        ),
    ]
