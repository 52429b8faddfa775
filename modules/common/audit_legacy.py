"""Import the previous system's log (S6.2-03) into its own table, apart from the live chain.

The file is CSV (`;` or `,`), UTF-8 or Latin-1, with a header. Mapping of the legacy columns (every
column, mapped or not, is also kept as it came in `raw`, so nothing of the old log is lost):

| legacy header (any of)                           | column        |
|--------------------------------------------------|---------------|
| data_hora, datahora, data, dt_ocorrencia, at     | at (required) |
| usuario, login, operador, user                   | actor (req.)  |
| acao, operacao, funcionalidade, evento, action   | action (req.) |
| tabela, entidade, objeto, object_type            | object_type   |
| matricula, id_objeto, identificador, object_id   | object_id     |
| ip, endereco_ip                                  | ip            |
| estacao, mac, maquina, workstation               | workstation   |
| detalhe, descricao, observacao, detail           | detail        |

Dates are `dd/mm/aaaa hh:mm[:ss]` or ISO 8601, read in the utility's time zone. One file is one
transaction: a bad line refuses the whole file, naming the line; the same file twice is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata

from django.db import transaction
from django.utils.dateparse import parse_datetime

from .audit import Actor, audit_record
from .clock import tenant_zone
from .errors import Conflict, ErrorCode, ValidationFailed
from .models import LegacyAuditEntry, LegacyAuditImport

COLUMNS: dict[str, tuple[str, ...]] = {
    "at": ("data_hora", "datahora", "data", "dt_ocorrencia", "at"),
    "actor": ("usuario", "login", "operador", "user"),
    "action": ("acao", "operacao", "funcionalidade", "evento", "action"),
    "object_type": ("tabela", "entidade", "objeto", "object_type"),
    "object_id": ("matricula", "id_objeto", "identificador", "object_id"),
    "ip": ("ip", "endereco_ip"),
    "workstation": ("estacao", "mac", "maquina", "workstation"),
    "detail": ("detalhe", "descricao", "observacao", "detail"),
}
REQUIRED = ("at", "actor", "action")


def _key(header: str) -> str:
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return plain.strip().lower().replace(" ", "_")


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _when(value: str, line: int) -> dt.datetime:
    value = value.strip()
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=tenant_zone())
        except ValueError:
            pass
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValidationFailed(
            f"Linha {line}: data e hora inválida ({value!r}).", field="at", code=ErrorCode.INVALID
        )
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tenant_zone())


@transaction.atomic(durable=True)
def legacy_audit_import(*, actor: Actor, source: str, file_name: str, content: bytes) -> LegacyAuditImport:
    digest = hashlib.sha256(content).hexdigest()
    if LegacyAuditImport.objects.filter(file_sha256=digest).exists():
        raise Conflict(f"O arquivo {file_name} já foi importado.", field="file", code=ErrorCode.DUPLICATE)
    if not source.strip():
        raise ValidationFailed("Informe o sistema de origem do log.", field="source", code=ErrorCode.INVALID)
    text = _decode(content)
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=";,")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = {_key(h): h for h in reader.fieldnames or []}
    mapping: dict[str, str] = {}
    for column, aliases in COLUMNS.items():
        found = next((headers[a] for a in aliases if a in headers), None)
        if found is not None:
            mapping[column] = found
    missing = [c for c in REQUIRED if c not in mapping]
    if missing:
        names = ", ".join(COLUMNS[c][0] for c in missing)
        raise ValidationFailed(
            f"Cabeçalho sem a(s) coluna(s) obrigatória(s): {names}.", field="file", code=ErrorCode.INVALID
        )
    batch = LegacyAuditImport.objects.create(
        source=source.strip(), file_name=file_name, file_sha256=digest, imported_by=actor.get_username()
    )
    rows: list[LegacyAuditEntry] = []
    for line, record in enumerate(reader, start=2):
        values = {c: (record.get(h) or "").strip() for c, h in mapping.items()}
        for column in REQUIRED[1:]:
            if not values[column]:
                raise ValidationFailed(
                    f"Linha {line}: {COLUMNS[column][0]} vazio.", field=column, code=ErrorCode.INVALID
                )
        rows.append(
            LegacyAuditEntry(
                batch=batch,
                line=line,
                at=_when(values["at"], line),
                actor=values["actor"][:150],
                action=values["action"][:200],
                object_type=values.get("object_type", "")[:100],
                object_id=values.get("object_id", "")[:64],
                ip=values.get("ip", "")[:64],
                workstation=values.get("workstation", "")[:64],
                detail=values.get("detail", ""),
                raw={k: v for k, v in record.items() if k is not None},
            )
        )
    LegacyAuditEntry.objects.bulk_create(rows, batch_size=2000)
    batch.rows = len(rows)
    batch.save(update_fields=["rows"])
    audit_record(
        actor=actor,
        action="common.legacy_audit_import",
        target=batch,
        after={"source": batch.source, "file": file_name, "sha256": digest, "rows": len(rows)},
    )
    return batch
