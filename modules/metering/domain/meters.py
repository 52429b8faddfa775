"""Water meters: status machine (tender §9.3), calibration validity (Inmetro, §9.11), code ranges (§9.5)."""

from __future__ import annotations

import datetime as dt
import re

from modules.common.errors import ErrorCode as CommonCode

from ..errors import ErrorCode

STOCK = "stock"
INSTALLED = "installed"
MAINTENANCE = "maintenance"
SCRAPPED = "scrapped"

STATUSES: dict[str, str] = {
    STOCK: "Estoque",
    INSTALLED: "Instalado",
    MAINTENANCE: "Manutenção",
    SCRAPPED: "Descartado",
}

# §9.3: "Um hidrômetro instalado, em manutenção ou em estoque poderá ir para qualquer um dos outros
# status, mas um descartado não poderá ser recolocado em uso." Removal destinations exclude
# "installed" because a removed meter is by definition out of the network.
REMOVAL_DESTINATIONS = (STOCK, MAINTENANCE, SCRAPPED)

METROLOGICAL_CLASSES = ("A", "B", "C", "D")

DEFAULT_VALIDITY_YEARS = 5


class MeterRuleError(ValueError):
    """A broken meter rule: the services raise it on as a ValidationFailed (or a Conflict) with the
    same field and code."""

    def __init__(self, message: str, field: str, code: ErrorCode | CommonCode) -> None:
        super().__init__(message)
        self.field = field
        self.code = code


def check_status_change(current: str, new: str) -> None:
    if new not in STATUSES:
        raise MeterRuleError(
            f"Situação de hidrômetro desconhecida: '{new}'.", "status", code=CommonCode.INVALID
        )
    if current == SCRAPPED:
        raise MeterRuleError(
            "Hidrômetro descartado não pode voltar a uso.", "status", code=ErrorCode.METER_SCRAPPED
        )
    if current == new:
        raise MeterRuleError(
            f"O hidrômetro já está em '{STATUSES[new]}'.", "status", code=ErrorCode.STATUS_UNCHANGED
        )


def check_installable(status: str) -> None:
    if status != STOCK:
        raise MeterRuleError(
            "Somente hidrômetros em estoque podem ser instalados "
            f"(situação atual: {STATUSES.get(status, status)}).",
            "meter",
            code=ErrorCode.METER_NOT_IN_STOCK,
        )


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity_end(calibrated_on: dt.date, years: int = DEFAULT_VALIDITY_YEARS) -> dt.date:
    """Last day the calibration is valid: calibration date + N years (Inmetro: 5)."""
    return add_years(calibrated_on, years)


def is_expiring(calibrated_on: dt.date, *, as_of: dt.date, years: int, lead_days: int) -> bool:
    return validity_end(calibrated_on, years) <= as_of + dt.timedelta(days=lead_days)


_RANGE_CODE = re.compile(r"^([A-Z]*)(\d+)$")
MAX_BATCH = 10_000


def expand_range(first: str, last: str) -> list[str]:
    """'A0001000'..'A0001499' -> 500 codes with the same prefix and zero-padded width."""
    a, b = _RANGE_CODE.match(first.strip().upper()), _RANGE_CODE.match(last.strip().upper())
    if not a or not b:
        raise MeterRuleError(
            "Faixa inválida: use códigos como A0001000 (letras seguidas de dígitos).",
            "first",
            code=CommonCode.INVALID,
        )
    if a.group(1) != b.group(1) or len(a.group(2)) != len(b.group(2)):
        raise MeterRuleError(
            "Início e fim da faixa devem ter o mesmo prefixo e o mesmo tamanho.",
            "last",
            code=CommonCode.INVALID,
        )
    start, end = int(a.group(2)), int(b.group(2))
    if end < start:
        raise MeterRuleError("O fim da faixa é menor que o início.", "last", code=CommonCode.INVALID)
    if end - start + 1 > MAX_BATCH:
        raise MeterRuleError(
            f"Faixa grande demais: no máximo {MAX_BATCH} hidrômetros por lote.",
            "last",
            code=CommonCode.INVALID,
        )
    width = len(a.group(2))
    return [f"{a.group(1)}{str(n).zfill(width)}" for n in range(start, end + 1)]


def normalize_meter_number(value: str) -> str:
    return re.sub(r"[\s\-./]", "", value or "").upper()


def check_event_dates(*, installed_on: dt.date, removed_on: dt.date, today: dt.date) -> None:
    if removed_on < installed_on:
        raise MeterRuleError(
            f"A data de retirada ({removed_on:%d/%m/%Y}) é anterior à instalação ({installed_on:%d/%m/%Y}).",
            "removed_on",
            code=ErrorCode.REMOVAL_BEFORE_INSTALLATION,
        )
    if removed_on > today:
        raise MeterRuleError(
            "A data de retirada não pode estar no futuro.", "removed_on", code=CommonCode.INVALID
        )


def check_final_reading(*, initial: int, final: int) -> None:
    if final < initial:
        raise MeterRuleError(
            f"A leitura de retirada ({final}) é menor que a leitura de instalação ({initial}).",
            "final_reading",
            code=ErrorCode.FINAL_READING_BELOW_INITIAL,
        )
