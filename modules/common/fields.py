"""Secrets encrypted at rest (ADR 0012): a model field whose database value is a Fernet token.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated, each a urlsafe-base64 32-byte Fernet key):
the first encrypts, every one decrypts, so a key is rotated by putting the new one first, running
`manage.py rotate_encryption_key`, then removing the old one. Development and tests derive one key
from SECRET_KEY when the variable is empty; production refuses to start without it.

The Python value is the clear text; only the column holds ciphertext, so a database dump, a
replica or a backup never carries a Pagar.me key, a webhook password or a TOTP secret.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models

# Every Fernet token starts with version byte 0x80, which base64url-encodes to "gAAAAA".
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: stable across restarts of one development checkout,
    never used in production (production.py requires FIELD_ENCRYPTION_KEYS)."""
    digest = hashlib.sha256(f"manancial-field-encryption:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys() -> list[str]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", "")
    keys = [k.strip() for k in (raw.split(",") if isinstance(raw, str) else raw) if k.strip()]
    return keys or [development_key(settings.SECRET_KEY)]


@lru_cache(maxsize=1)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:  # never echo the key itself
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS: cada chave deve ser uma chave Fernet (32 bytes em base64 url-safe)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(configured_keys()))


def _keys_changed(*, setting: str, **_: Any) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "SECRET_KEY"}:
        _fernet_for.cache_clear()


setting_changed.connect(_keys_changed, dispatch_uid="field-encryption-keys")


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # the message names the cause, never the value
        raise ImproperlyConfigured(
            "Um segredo gravado não pôde ser decifrado com as chaves de FIELD_ENCRYPTION_KEYS "
            "(chave removida antes de rotate_encryption_key?)."
        ) from exc


def is_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def rotate(token: str) -> str:
    """The same secret re-encrypted with the first key (a no-op in meaning, new bytes)."""
    return fernet().rotate(token.encode()).decode()


def under_first_key(token: str) -> bool:
    """Whether `token` is already encrypted with the first (current) key: rotation skips it."""
    try:
        Fernet(configured_keys()[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """A secret: clear text in Python, a Fernet token in the column; "" stays "" (no secret set).

    Not searchable and not comparable in SQL (each encryption gives different bytes): look the row
    up by something else and compare in Python with hmac.compare_digest.
    """

    description = "Texto cifrado (Fernet)"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        # serialization (dumpdata) must not write the clear text either
        return "********"


def encrypted_field_names(model: type[models.Model]) -> set[str]:
    names = set()
    for field in model._meta.concrete_fields:
        if isinstance(field, EncryptedTextField):
            names.update({field.name, field.attname})
    return names


def encrypted_columns() -> dict[str, list[str]]:
    """Every table with encrypted columns: {db_table: [column, ...]}, from the installed models."""
    from django.apps import apps

    tables: dict[str, list[str]] = {}
    for model in apps.get_models():
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns:
            tables[model._meta.db_table] = columns
    return tables


def rotate_rows(cursor: Any, qualified_table: str, columns: list[str]) -> tuple[int, int]:
    """Re-encrypt with the first key every value of `columns` that is not under it yet (and encrypt
    any clear text left behind). Answers (values rewritten, values already current); running it
    again rewrites nothing. `qualified_table` is already quoted ("schema"."table")."""
    rewritten = current = 0
    cursor.execute(f"SELECT id, {', '.join(columns)} FROM {qualified_table} FOR UPDATE")  # noqa: S608
    for row_id, *values in cursor.fetchall():
        updates: dict[str, str] = {}
        for column, value in zip(columns, values, strict=True):
            if not value:
                continue
            if not is_encrypted(value):
                updates[column] = encrypt(value)
            elif under_first_key(value):
                current += 1
            else:
                updates[column] = rotate(value)
        if updates:
            assignments = ", ".join(f"{c} = %s" for c in updates)
            cursor.execute(
                f"UPDATE {qualified_table} SET {assignments} WHERE id = %s",  # noqa: S608
                [*updates.values(), row_id],
            )
            rewritten += len(updates)
    return rewritten, current


def encrypt_plaintext_rows(schema_editor: Any, table: str, columns: list[str]) -> int:
    """For data migrations: encrypt the rows of `table` whose `columns` still hold clear text.

    Raw SQL on the migration's own connection (the schema django-tenants selected), because the
    field's from_db_value would try to decrypt clear text. Idempotent: a value that already is a
    Fernet token is left alone, so a migration interrupted half-way can simply run again.
    """
    quote = schema_editor.quote_name
    changed = 0
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)}")  # noqa: S608
        for row_id, *values in cursor.fetchall():
            updates = {
                column: encrypt(value)
                for column, value in zip(columns, values, strict=True)
                if value and not is_encrypted(value)
            }
            if not updates:
                continue
            assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                [*updates.values(), row_id],
            )
            changed += 1
    return changed
