# Choices are enums (as django-stubs types them): a member is its class, a str for TextChoices, so
# `channel: str = IncidentChannel.STAFF` checks. Everything else in django.db.models is Any.
import enum
from typing import Any

class _ChoicesType(enum.EnumMeta):
    @property
    def choices(self) -> list[tuple[Any, str]]: ...
    @property
    def values(self) -> list[Any]: ...
    @property
    def labels(self) -> list[str]: ...

# members are declared by the subclasses (mypy warns about an enum stub without any)
class Choices(enum.Enum, metaclass=_ChoicesType):  # type: ignore[misc]
    @property
    def label(self) -> str: ...

class TextChoices(str, Choices): ...  # type: ignore[misc]
class IntegerChoices(int, Choices): ...  # type: ignore[misc]

def __getattr__(name: str) -> Any: ...
