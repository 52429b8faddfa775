"""Pure rules of protocols (registro de atendimento): the seeded types, the yearly numbers, which
moves a protocol may make from where it is, the follow-up queue's order and the attendance times.

Statuses (codes of `ServiceRequest.Status`): a protocol waits in its sector as "received" (pendente
de recebimento) until someone there confirms receiving it (VA-33), becomes "pending", may go
"in_progress", may be marked "answered" (the customer got the reply, 3.2.13.4) and ends "closed"
with a reason. Routing to another sector puts it back to
"received" in that sector, as in GSAN's tramitação: the new sector must confirm it got it.
Each function answers a pt-BR reason why the move is refused, or None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RECEIVED, PENDING, IN_PROGRESS, ANSWERED, CLOSED = "received", "pending", "in_progress", "answered", "closed"
STATUS_LABELS = {
    RECEIVED: "pendente de recebimento",
    PENDING: "pendente",
    IN_PROGRESS: "em andamento",
    ANSWERED: "cliente respondido",
    CLOSED: "encerrado",
}
# what a staff user may set by hand (acknowledging and routing have their own buttons)
SETTABLE = (PENDING, IN_PROGRESS, ANSWERED, CLOSED)

KIND_CHOICES = [
    ("service", "Solicitação de serviço"),
    ("ombudsman", "Ouvidoria"),
    ("agency_problem", "Problema na agência virtual"),
]
# the sectors a new protocol lands in when its type names no queue
COUNTER_UNIT = "Atendimento"
OMBUDSMAN_UNIT = "Ouvidoria"


def default_queue(kind: str) -> str:
    return OMBUDSMAN_UNIT if kind == "ombudsman" else COUNTER_UNIT


def format_protocol(year: int, sequence: int) -> str:
    """Protocol number of the tenant's yearly series: 2025 and 123 → "2025000123"."""
    return f"{year}{sequence:06d}"


@dataclass(frozen=True)
class RequestType:
    code: str
    label: str
    # days until the expected answer (VA-23 "data prevista"): the seeded ProtocolType.deadline_days
    deadline_days: int


# Seed 000 #14 and the seed 003 landing page (VA-23): the seeded ProtocolType rows; the agency
# offers a subset (AgencySettings.request_types).
SERVICE_REQUEST_TYPES: tuple[RequestType, ...] = (
    RequestType("leak", "Vazamento (conserto)", 2),
    RequestType("water_shortage", "Falta d'água", 1),
    RequestType("reconnection", "Religação de água", 2),
    RequestType("new_connection", "Ligação nova de água", 15),
    RequestType("reactivation", "Reativação de ligação", 10),
    RequestType("disconnection_on_request", "Corte a pedido", 5),
    RequestType("ownership_change", "Transferência de titularidade", 10),
    RequestType("registry_update", "Atualização cadastral", 10),
    RequestType("document_update", "Atualização cadastral - CPF/CNPJ", 10),
    RequestType("contract_copy", "Segunda via do contrato de adesão", 5),
    RequestType("cancellation", "Cancelamento e inativação da ligação", 15),
    # 3.2.14.11: the six the agency must offer, each opening a service order (ADR 0223)
    RequestType("branch_leak", "Vazamento no ramal", 2),
    RequestType("meter_stand_leak", "Vazamento no cavalete", 2),
    RequestType("blockage", "Entupimento de esgoto", 2),
    RequestType("pothole", "Tapa-buraco (reparo do pavimento)", 10),
    RequestType("valve_replacement", "Troca de registro", 5),
    # 3.2.15.9 "plus others" and VA-23 "Outros Serviços": a protocol the sector reads and decides
    RequestType("other_service", "Outros serviços", 10),
)


@dataclass(frozen=True)
class AgencyOrderCode:
    """The service code a fresh utility gets for a request type that opens an order (ADR 0223)."""

    request_type: str
    code: str
    description: str
    deadline_value: int
    deadline_unit: str  # DeadlineUnit value


AGENCY_ORDER_CODES: tuple[AgencyOrderCode, ...] = (
    AgencyOrderCode("water_shortage", "AGFALTA", "Verificação de falta de água", 24, "hours"),
    AgencyOrderCode("branch_leak", "AGVZRAM", "Conserto de vazamento no ramal", 2, "business_days"),
    AgencyOrderCode("meter_stand_leak", "AGVZCAV", "Conserto de vazamento no cavalete", 2, "business_days"),
    AgencyOrderCode("blockage", "AGENTUP", "Desobstrução de esgoto (entupimento)", 2, "business_days"),
    AgencyOrderCode("pothole", "AGTAPA", "Reparo de pavimento (tapa-buraco)", 10, "business_days"),
    AgencyOrderCode("valve_replacement", "AGTRREG", "Troca de registro", 5, "business_days"),
)
OMBUDSMAN_TYPES: tuple[RequestType, ...] = (
    RequestType("complaint", "Reclamação", 15),
    RequestType("praise", "Elogio", 15),
    RequestType("suggestion", "Sugestão", 15),
    RequestType("report", "Denúncia", 15),
    RequestType("other", "Outros assuntos", 15),
)
AGENCY_PROBLEM = RequestType("agency_problem", "Problema na agência virtual", 5)
ALL_TYPES = {t.code: t for t in (*SERVICE_REQUEST_TYPES, *OMBUDSMAN_TYPES, AGENCY_PROBLEM)}
DEFAULT_TYPES_BY_CODE = ALL_TYPES


@dataclass(frozen=True)
class Specification:
    """VA-23: what a request of a type is about (VAZAMENTO → RUA), with its own answer deadline."""

    code: str
    label: str
    deadline_days: int


def specifications_from(rows: list[dict[str, object]] | None) -> list[Specification]:
    out = []
    for row in rows or []:
        days = row.get("deadline_days")
        out.append(
            Specification(
                str(row.get("code") or "").strip(),
                str(row.get("label") or ""),
                days if isinstance(days, int) and not isinstance(days, bool) else -1,
            )
        )
    return out


def specifications_problem(specs: list[Specification]) -> str | None:
    """A pt-BR reason the list is refused: a code twice, no label, a deadline out of 0–365."""
    seen: set[str] = set()
    for spec in specs:
        if not spec.code or spec.code in seen:
            return f"A especificação {spec.code or '(sem código)'} está repetida ou sem código."
        seen.add(spec.code)
        if len(spec.label.strip()) < 2:
            return f"Descreva a especificação {spec.code}."
        if not 0 <= spec.deadline_days <= 365:
            return f"O prazo da especificação {spec.code} vai de 0 a 365 dias."
    return None


# VA-23 (seed 003 shows VAZAMENTO / RUA): the specifications a fresh utility's leak types get
DEFAULT_SPECIFICATIONS: dict[str, list[dict[str, object]]] = {
    "branch_leak": [
        {"code": "rua", "label": "Na rua", "deadline_days": 1},
        {"code": "calcada", "label": "Na calçada", "deadline_days": 2},
    ],
    "meter_stand_leak": [
        {"code": "antes", "label": "Antes do hidrômetro", "deadline_days": 2},
        {"code": "depois", "label": "No registro ou depois do hidrômetro", "deadline_days": 3},
    ],
}


def remaining_days(expected_on: dt.date | None, today: dt.date) -> int | None:
    """Days left until the expected answer (negative: late); None without a deadline."""
    return None if expected_on is None else (expected_on - today).days


def queue_key(expected_on: dt.date | None, created_at: dt.datetime) -> tuple[int, dt.date, dt.datetime]:
    """The follow-up queue's order (3.2.13.4): the least remaining deadline first, protocols without
    a deadline last, then the oldest."""
    return (1 if expected_on is None else 0, expected_on or dt.date.max, created_at)


@dataclass(frozen=True)
class AttendanceTimes:
    """S10.1-07's three indicators of one attendance, in seconds."""

    waiting: int
    service: int
    total: int


def attendance_times(
    *, waiting_since: dt.datetime | None, started_at: dt.datetime, ended_at: dt.datetime
) -> AttendanceTimes:
    """Waiting runs from the ticket (or the call reaching the queue) to the attendant opening the
    attendance; service from then to the closing; total is both. No ticket: no waiting."""
    waiting = max(0, int((started_at - waiting_since).total_seconds())) if waiting_since else 0
    service = max(0, int((ended_at - started_at).total_seconds()))
    return AttendanceTimes(waiting=waiting, service=service, total=waiting + service)


def format_duration(seconds: int) -> str:
    """01:02:03 for 3723 seconds; the screens and the indicators page show this."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


DOCUMENT_UPDATE = "document_update"


def acknowledge_problem(*, protocol: str, status: str, unit: str) -> str | None:
    if status == CLOSED:
        return f"O protocolo {protocol} está encerrado: não há recebimento a confirmar."
    if status != RECEIVED:
        return f"O protocolo {protocol} já foi recebido pelo setor {unit}."
    return None


def route_problem(
    *, protocol: str, status: str, unit: str, to_unit: str, units: list[str], note: str
) -> str | None:
    if status == CLOSED:
        return f"O protocolo {protocol} está encerrado e não pode ser encaminhado."
    if to_unit not in units:
        return "Escolha um dos setores da lista."
    if to_unit == unit:
        return f"O protocolo {protocol} já está no setor {unit}."
    if len(note.strip()) < 3:
        return "Diga na observação por que o protocolo vai para o outro setor."
    return None


def status_change_problem(
    *, protocol: str, status: str, target: str, reason: str, type_code: str = ""
) -> str | None:
    if target not in SETTABLE:
        return "Escolha a nova situação: pendente, em andamento ou encerrado."
    if status == CLOSED:
        return f"O protocolo {protocol} já está encerrado; a situação não muda mais."
    if status == RECEIVED:
        return f"Confirme o recebimento do protocolo {protocol} antes de mudar a situação."
    if target == status:
        return f"O protocolo {protocol} já está {STATUS_LABELS[status]}."
    if target == CLOSED and type_code == DOCUMENT_UPDATE:
        return (
            f"O protocolo {protocol} pede a troca do CPF/CNPJ: aprove ou recuse o pedido, "
            "e ele se encerra com a decisão."
        )
    if target == ANSWERED and status not in (PENDING, IN_PROGRESS):
        return f"O protocolo {protocol} não está em atendimento para registrar a resposta ao cliente."
    if target == CLOSED and len(reason.strip()) < 3:
        return "Informe o motivo do encerramento."
    return None


def document_decision_problem(
    *, protocol: str, status: str, type_code: str, approve: bool, reason: str
) -> str | None:
    if type_code != DOCUMENT_UPDATE:
        return f"O protocolo {protocol} não é um pedido de atualização de CPF/CNPJ."
    if status == CLOSED:
        return f"O pedido {protocol} já foi decidido e está encerrado."
    if status == RECEIVED:
        return f"Confirme o recebimento do protocolo {protocol} antes de decidir o pedido."
    if not approve and len(reason.strip()) < 3:
        return "Informe o motivo da recusa: o cidadão vê este texto na agência."
    return None


# Document formats a utility may accept, with the first bytes ("magic numbers") each file of the
# format starts with: the repository trusts the content, not the name or the browser's type.
FORMATS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
DEFAULT_FORMATS = ("pdf", "png", "jpg")


def default_formats() -> list[str]:
    return list(DEFAULT_FORMATS)


def sniff_format(head: bytes, name: str, allowed: list[str] | tuple[str, ...]) -> str | None:
    """The allowed format whose magic bytes `head` starts with, or None. Formats sharing a signature
    (docx/xlsx are both zip; webp is RIFF…WEBP) are told apart by the file's extension."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = "jpg" if ext == "jpeg" else ("tiff" if ext == "tif" else ext)
    matches = [
        code for code in allowed if code in FORMATS and any(head.startswith(m) for m in FORMATS[code][1])
    ]
    if "webp" in matches and head[8:12] != b"WEBP":
        matches.remove("webp")
    if len(matches) > 1:
        matches = [m for m in matches if m == ext]
    return matches[0] if matches else None


def formats_problem(codes: list[str]) -> str | None:
    unknown = [c for c in codes if c not in FORMATS]
    if unknown:
        return f"Formatos desconhecidos: {', '.join(unknown)}."
    if not codes:
        return "Aceite ao menos um formato de documento."
    return None
