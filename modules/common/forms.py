"""What every staff and agency page does with a service's refusal on its form."""

from __future__ import annotations

from typing import Any

from .errors import DomainError


def form_error(form: Any, exc: DomainError) -> None:
    """A service's refusal on the form: on its field when the form has it, else on top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
