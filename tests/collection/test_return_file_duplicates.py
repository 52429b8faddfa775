"""A return file is imported once: the same file with other line ends or trailing blanks, or another
file with the agent's same NSA (A.08), is refused naming the earlier file, and nothing is written.
Built on the real BB samples (NSA 454 and 455, LF line ends)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from modules.collection import services
from modules.collection.domain.return_file import parse_return_file
from modules.collection.models import Payment, ReturnFile, ReturnFileRefusal
from modules.common.audit import SystemActor
from modules.common.errors import Conflict
from tests.collection import factories as f

ACTOR = SystemActor("tests")


def _samples() -> Path:
    """shared/ sits beside the project (and beside the worktrees' parent on a helper's machine)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "samples" / "febraban-return"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("shared/samples/febraban-return")


SAMPLES = _samples()
NSA_454 = (SAMPLES / "03_bb-001_2014-08-06_RCB001455608201413819.ret").read_bytes()
NSA_455 = (SAMPLES / "04_bb-001_2014-08-07_RCB001456708201413431.ret").read_bytes()


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _trailing_blanks(data: bytes) -> bytes:
    """What a transfer or an editor leaves after the trailer: blank and whitespace-only lines."""
    return data + b"\r\n   \n\t\n\n"


def _import(data: bytes, filename: str = "") -> ReturnFile:
    return services.return_file_import(actor=ACTOR, data=data, filename=filename)


def test_the_samples_are_lf_and_their_variants_differ_in_bytes_not_in_content() -> None:
    assert b"\r" not in NSA_454
    variants = [NSA_454, _crlf(NSA_454), _trailing_blanks(NSA_454), _trailing_blanks(_crlf(NSA_454))]
    assert len({parse_return_file(v).sha256 for v in variants}) == 4
    assert len({parse_return_file(v).content_sha256 for v in variants}) == 1
    assert parse_return_file(NSA_454).content_sha256 != parse_return_file(NSA_455).content_sha256


@pytest.mark.parametrize(
    "variant", [_crlf, _trailing_blanks, lambda d: _trailing_blanks(_crlf(d))], ids=["crlf", "blanks", "both"]
)
def test_the_same_file_with_other_line_ends_or_blanks_is_refused(tenant_alpha, variant) -> None:
    f.agent("001")
    first = _import(NSA_454, "RCB001455608201413819.ret")
    assert first.payment_count == 28
    with pytest.raises(Conflict) as refused:
        _import(variant(NSA_454), "copia.ret")
    assert refused.value.code == "duplicate_file"
    assert refused.value.message.startswith(
        "Este arquivo retorno já foi importado: arquivo «RCB001455608201413819.ret» de NSA 454, importado em "
    )
    assert ReturnFile.objects.count() == 1
    assert Payment.objects.count() == 28
    assert ReturnFileRefusal.objects.get().code == "duplicate_file"


def test_another_file_with_the_same_nsa_is_refused(tenant_alpha) -> None:
    f.agent("001")
    _import(NSA_454, "RCB001455608201413819.ret")
    lines = NSA_454.split(b"\n")
    lines[1] = lines[1][:117] + b"X" * 23 + lines[1][140:]  # another authentication (G.11): other content
    other = b"\n".join(lines)
    assert parse_return_file(other).header.sequence == 454
    with pytest.raises(Conflict) as refused:
        _import(other, "outro.ret")
    assert refused.value.code == "duplicate_nsa"
    assert refused.value.message.startswith(
        "O NSA 454 (linha 1, campo A.08) de Banco 001 já foi usado por outro arquivo: "
        "arquivo «RCB001455608201413819.ret» de NSA 454, importado em "
    )
    assert ReturnFile.objects.count() == 1 and Payment.objects.count() == 28


def test_the_next_nsa_is_accepted(tenant_alpha) -> None:
    f.agent("001")
    _import(NSA_454)
    second = _import(NSA_455)
    assert (second.sequence, second.payment_count) == (455, 181)
    assert ReturnFile.objects.count() == 2 and Payment.objects.count() == 28 + 181


def test_the_constraints_hold_without_the_service_check(tenant_alpha) -> None:
    """Two concurrent posts both pass the check before either commits; the database decides."""
    from django.db import IntegrityError, transaction

    f.agent("001")
    rf = _import(NSA_454)
    for changes in ({"sha256": "0" * 64}, {"sha256": "1" * 64, "content_sha256": "2" * 64}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReturnFile.objects.create(
                **{
                    field.attname: getattr(rf, field.attname)
                    for field in ReturnFile._meta.concrete_fields
                    if field.attname not in {"id", "created_at"}
                }
                | changes
            )


def test_the_migration_fingerprints_stored_files_as_the_parser_does_and_marks_old_duplicates(
    tenant_alpha,
) -> None:
    migration = importlib.import_module("modules.collection.migrations.0006_return_file_content_and_nsa_once")
    f.agent("001")
    first = _import(NSA_454)
    # a CRLF copy imported before the rule existed (the 144 duplicate payments of the issue)
    with connection.cursor() as cur:
        cur.execute("DROP INDEX return_file_content_once")
        cur.execute("DROP INDEX return_file_nsa_once_per_agent")
    old_copy = ReturnFile.objects.create(
        agent=first.agent,
        sha256=parse_return_file(_crlf(NSA_454)).sha256,
        content_sha256="",
        sequence=first.sequence,
        generated_on=first.generated_on,
        layout_version=first.layout_version,
        record_count=first.record_count,
        total=first.total,
        uploaded_by="tests",
    )
    ReturnFile.objects.filter(pk=first.pk).update(content_sha256="")
    with connection.schema_editor() as editor:
        migration.backfill(apps, editor)
    first.refresh_from_db()
    old_copy.refresh_from_db()
    assert first.content_sha256 == parse_return_file(_crlf(NSA_454)).content_sha256
    assert (first.duplicate_of_id, old_copy.duplicate_of_id) == (None, first.pk)
