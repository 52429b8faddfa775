"""R-05 (ADR 0225): how the utility's matrícula carries its check digit — one row (pk 1)."""

from __future__ import annotations

from django.db import models


class NumberingSettings(models.Model):
    class Rule(models.TextChoices):
        MOD11 = "mod11", "Módulo 11; base cujo dígito daria 10 não é emitida"
        MOD11_ZERO = "mod11_zero", "Módulo 11; dígito 10 vira 0 (como no GSAN)"

    class Separator(models.TextChoices):
        HYPHEN = "-", "Hífen (464726-2)"
        DOT = ".", "Ponto (464726.2)"

    account_rule = models.CharField(
        "dígito verificador da matrícula", max_length=12, choices=Rule.choices, default=Rule.MOD11
    )
    account_separator = models.CharField(
        "separador do dígito", max_length=1, choices=Separator.choices, default=Separator.HYPHEN
    )

    # R-07 (ADR 0214): localidade.setor.quadra.lote.sublote widths; GSAN's quadra has 3 digits
    class InscriptionWidths(models.TextChoices):
        DEFAULT = "3.3.4.4.3", "3.3.4.4.3 (001.002.0034.0056.000)"
        GSAN = "3.3.3.4.3", "3.3.3.4.3, como no GSAN (425.001.003.1058.000)"

    inscription_widths = models.CharField(
        "larguras da inscrição",
        max_length=9,
        choices=InscriptionWidths.choices,
        default=InscriptionWidths.DEFAULT,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "numeração da matrícula"

    def __str__(self) -> str:
        return f"{self.account_rule} ({self.account_separator})"

    @classmethod
    def current(cls) -> NumberingSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
