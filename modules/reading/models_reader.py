"""The reader's phone app's settings (h-reader, ADR 0227): one row per utility (pk 1)."""

from __future__ import annotations

from django.db import models


class ReaderAppSettings(models.Model):
    """Whether the phones bill on the spot, the thermal paper they print on, and how often they send."""

    class Paper(models.IntegerChoices):
        MM80 = 80, "80 mm (48 colunas)"
        MM58 = 58, "58 mm (32 colunas)"

    on_site_billing = models.BooleanField(
        "emitir a conta no local (leitura e faturamento simultâneos)", default=True
    )
    paper_mm = models.PositiveSmallIntegerField("largura do papel", choices=Paper.choices, default=Paper.MM80)
    roll_length_m = models.PositiveSmallIntegerField("comprimento da bobina (m)", default=30)
    upload_every = models.PositiveSmallIntegerField("enviar a cada N imóveis faturados", default=10)
    # the reader's track between readings (3.2.5.6): a GPS fix every N seconds, kept offline too
    track_every_s = models.PositiveSmallIntegerField("posição do trajeto a cada N segundos", default=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração do aplicativo de leitura"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="reader_app_settings_singleton")]

    def __str__(self) -> str:
        return "Configuração do aplicativo de leitura"

    @classmethod
    def current(cls) -> ReaderAppSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)
