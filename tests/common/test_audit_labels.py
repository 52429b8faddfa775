"""The audit trail in words: a changed amount or rate reads as people write it (1.234,50), a date as
dd/mm/aaaa, a flag as sim/não; the digits the snapshot kept are never rounded."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from modules.common.templatetags.audit_labels import audit_changes


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("0.98", "1.20", ("0,98", "1,20")),
        ("1234567.5", "-12.0093", ("1.234.567,5", "-12,0093")),
        ("2026-10-01", "2026-11-15", ("01/10/2026", "15/11/2026")),
        (True, False, ("sim", "não")),
        ("001", "237", ("001", "237")),
    ],
)
def test_values_read_as_people_write_them(before: object, after: object, expected: tuple[str, str]) -> None:
    entry = SimpleNamespace(object_type="", before={"fee": before}, after={"fee": after})
    [(_, was, now)] = audit_changes(entry)
    assert (was, now) == expected
