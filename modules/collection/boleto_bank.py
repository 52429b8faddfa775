"""The bank interface of registered boletos (ADR 0216): files exchanged through a folder the bank's
connector (VAN, SFTP mount, the bank's own transfer client) reads and writes. Remittances go to
`<bank_dir>/remessa/`, written under a temporary name and renamed so the connector never reads half a
file; returns are read from `<bank_dir>/retorno/` and moved to `processados/` or `recusados/`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from modules.common.errors import ValidationFailed

from .errors import ErrorCode


@dataclass(frozen=True)
class DirectoryBank:
    root: Path

    @classmethod
    def at(cls, bank_dir: str) -> DirectoryBank:
        if not bank_dir or not os.path.isabs(bank_dir):
            raise ValidationFailed(
                "Pasta de troca com o banco: informe um caminho absoluto no servidor.",
                field="bank_dir",
                code=ErrorCode.INVALID,
            )
        return cls(Path(bank_dir))

    @property
    def outbox(self) -> Path:
        return self.root / "remessa"

    @property
    def inbox(self) -> Path:
        return self.root / "retorno"

    def send(self, name: str, content: bytes) -> Path:
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / name
        temporary = self.outbox / f".{name}.part"
        temporary.write_bytes(content)
        os.replace(temporary, target)
        return target

    def waiting(self) -> list[Path]:
        if not self.inbox.is_dir():
            return []
        return sorted(p for p in self.inbox.iterdir() if p.is_file() and not p.name.startswith("."))

    def done(self, path: Path, *, accepted: bool) -> Path:
        folder = self.inbox / ("processados" if accepted else "recusados")
        folder.mkdir(exist_ok=True)
        target = folder / path.name
        os.replace(path, target)
        return target
