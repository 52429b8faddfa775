"""Bank files without a person (S13.2-02, 3.2.8.13, ADR 0238): each active agent's inbox directory
(a mounted SFTP or VAN folder) is read on a schedule; every file is imported through
`services.bank_file_import` (collection or direct-debit return) and moved, once handled, to
`processados/` or, refused (malformed, unknown agent, already imported), to `recusados/`, where the
refusal's problems are also recorded (`ReturnFileRefusal`). A file already imported is refused by
its bytes, content and NSA, so a file dropped twice settles nothing twice.

Each handled file's result is e-mailed to the agent's finance addresses (`report_emails`, set on the
agent's page or API) through Django's mail backend; a mail server that refuses the message is noted
in the log line and does not undo the import nor stop the pass (the file has already moved)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage

from modules.common.audit import SystemActor
from modules.common.errors import DomainError

from .models import CollectingAgent

ACTOR = SystemActor("caixa-de-entrada")


def _move(path: Path, folder: str) -> Path:
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), target)
    return target


RESULT_TEXT = {"importado": "importado", "recusado": "recusado (movido para recusados/)"}


def _report(agent: CollectingAgent, entry: dict[str, Any]) -> None:
    """E-mail one file's result to the agent's finance addresses, if any; notes the outcome in the
    log line (`mail`)."""
    to = [a.strip() for a in agent.report_emails.split(",") if a.strip()]
    if not to:
        return
    body = (
        f"Agente arrecadador: {agent.code} – {agent.name}\n"
        f"Arquivo: {entry['file']}\n"
        f"Resultado: {RESULT_TEXT.get(entry['result'], entry['result'])}\n"
        f"Detalhe: {entry['detail']}\n"
    )
    message = EmailMessage(
        subject=f"Arquivo bancário {entry['file']} ({agent.code}): {entry['result']}", body=body, to=to
    )
    try:
        message.send()
    except OSError as exc:
        entry["mail"] = f"não enviado: {exc.__class__.__name__}"
    else:
        entry["mail"] = "enviado"


def inbox_poll() -> list[dict[str, Any]]:
    """One pass over every active agent's inbox; returns one line of log per file. Each import is
    its own durable transaction; a file is moved only after its import committed or was refused."""
    log: list[dict[str, Any]] = []
    for agent in CollectingAgent.objects.filter(active=True).exclude(inbox_dir="").order_by("code"):
        folder = Path(agent.inbox_dir)
        if not folder.is_dir():
            log.append(
                {"agent": agent.code, "file": "", "result": "pasta inexistente", "detail": str(folder)}
            )
            continue
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            data = path.read_bytes()
            try:
                imported = services_import(data, path.name)
            except DomainError as exc:
                _move(path, "recusados")
                entry = {"agent": agent.code, "file": path.name, "result": "recusado", "detail": exc.message}
            else:
                _move(path, "processados")
                entry = {
                    "agent": agent.code,
                    "file": path.name,
                    "result": "importado",
                    "detail": str(imported),
                }
            _report(agent, entry)
            log.append(entry)
    return log


def services_import(data: bytes, filename: str) -> object:
    from .services import bank_file_import

    return bank_file_import(actor=ACTOR, data=data, filename=filename)
