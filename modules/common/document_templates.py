"""Document texts the utility edits (DocumentTemplate): what a template may contain, how it is
rendered, and which version a document prints.

A template is a Django template restricted before it is saved: only the placeholders the document's
kind lists (`{{ cliente.nome }}`), the tags `if/elif/else/endif`, the filters in FILTERS and the HTML
elements in ELEMENTS with no attribute but `class`. It renders on its own engine (autoescape on, no
loaders, no libraries) with only the context the module hands it: plain strings, numbers and
booleans, never a model, so a placeholder cannot reach anything the whitelist does not name.
The documents go to WeasyPrint, which would fetch URLs and embed local files: no element of a
template takes a URL, and the module's renderer refuses every fetch but `data:` (see debt.pdf).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Lexer, Parser, TokenType, Variable, VariableDoesNotExist
from django.utils import timezone

from .errors import ValidationFailed
from .models import DocumentTemplate


class ErrorCode(StrEnum):
    """The codes of a refused text (the module's own enum: common.errors' is shared by every module)."""

    INVALID = "invalid"
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"
    UNKNOWN_TAG = "unknown_tag"
    UNKNOWN_FILTER = "unknown_filter"
    MARKUP_NOT_ALLOWED = "markup_not_allowed"


class TextRefused(ValidationFailed):
    code = ErrorCode.INVALID


class UnknownPlaceholder(TextRefused):
    code = ErrorCode.UNKNOWN_PLACEHOLDER


class UnknownTag(TextRefused):
    code = ErrorCode.UNKNOWN_TAG


class UnknownFilter(TextRefused):
    code = ErrorCode.UNKNOWN_FILTER


class MarkupNotAllowed(TextRefused):
    code = ErrorCode.MARKUP_NOT_ALLOWED


TAGS = frozenset({"if", "elif", "else", "endif"})
FILTERS = frozenset({"default", "upper", "lower", "capfirst"})
# `if` conditions: operators are words of the condition, not variables
CONDITION_WORDS = frozenset({"and", "or", "not", "in", "==", "!=", "<", ">", "<=", ">=", "is"})
ELEMENTS = frozenset(
    {"p", "b", "strong", "i", "em", "u", "br", "ol", "ul", "li", "span", "small", "h2", "h3"}
)
ATTRIBUTES = frozenset({"class"})

ENGINE = Engine(autoescape=True, libraries={}, loaders=[], string_if_invalid="")
FILTER_NAMES = {fn: name for library in ENGINE.template_builtins for name, fn in library.filters.items()}


@dataclass(frozen=True)
class Placeholder:
    name: str  # "cliente.nome"
    description: str  # pt-BR, shown beside the editor


def _check_expression(raw: str, allowed: frozenset[str], parser: Parser, field: str) -> None:
    try:
        expression = FilterExpression(raw, parser)
    except TemplateSyntaxError as exc:
        raise TextRefused(f"Marcador inválido: {{{{ {raw} }}}}.", field=field) from exc
    for func, args in expression.filters:
        name = FILTER_NAMES.get(func, getattr(func, "__name__", "?"))
        if name not in FILTERS:
            raise UnknownFilter(
                f"Filtro não permitido: |{name}. Use só {', '.join(sorted(FILTERS))}.", field=field
            )
        for is_lookup, arg in args:
            if is_lookup:
                _check_variable(arg, allowed, field)
    _check_variable(expression.var, allowed, field)


def _check_variable(var: Any, allowed: frozenset[str], field: str) -> None:
    if isinstance(var, Variable) and var.literal is None and var.var not in allowed:
        raise UnknownPlaceholder(
            f"Marcador desconhecido: {{{{ {var.var} }}}}. Use só os marcadores da lista deste documento.",
            field=field,
        )


class _MarkupCheck(HTMLParser):
    def __init__(self, field: str) -> None:
        super().__init__(convert_charrefs=True)
        self.field = field

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENTS:
            raise MarkupNotAllowed(
                f"Marcação não permitida: <{tag}>. Use só {', '.join(sorted(ELEMENTS))}.", field=self.field
            )
        for name, _ in attrs:
            if name not in ATTRIBUTES:
                raise MarkupNotAllowed(
                    f"Atributo não permitido em <{tag}>: {name}. Só “class” é aceito.", field=self.field
                )

    def handle_comment(self, data: str) -> None:
        raise MarkupNotAllowed("Comentários HTML não são permitidos no texto.", field=self.field)


def check_template(source: str, placeholders: Iterable[Placeholder], *, field: str = "body_html") -> None:
    """Refuse (ValidationFailed, `field`, pt-BR, naming the offender) any tag, filter, placeholder or
    HTML element outside the whitelists, and any template that does not compile."""
    allowed = frozenset(p.name for p in placeholders)
    parser = Parser([], builtins=ENGINE.template_builtins)
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.VAR:
            _check_expression(token.contents, allowed, parser, field)
        elif token.token_type == TokenType.BLOCK:
            bits = token.split_contents()
            tag = bits[0] if bits else ""
            if tag not in TAGS:
                raise UnknownTag(
                    f"Comando não permitido: {{% {tag} %}}. Use só if, elif, else e endif.", field=field
                )
            for bit in bits[1:]:
                if bit not in CONDITION_WORDS:
                    _check_expression(bit, allowed, parser, field)
    try:
        ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        message = (
            "Falta fechar um {% if %} com {% endif %}."
            if "Unclosed tag" in str(exc)
            else "Há um comando {% … %} mal formado ou fora de lugar no texto."
        )
        raise TextRefused(message, field=field) from exc
    checker = _MarkupCheck(field)
    checker.feed(source)
    checker.close()


def check_title(title: str, *, field: str = "title") -> None:
    if not title.strip():
        raise TextRefused("Informe o título do documento.", field=field)
    if "{" in title or "<" in title:
        raise TextRefused("O título é texto simples, sem marcadores nem marcação.", field=field)


def render(source: str, context: Mapping[str, Any]) -> str:
    """A checked template with only `context` (autoescaped); the caller marks the result safe."""
    try:
        return str(ENGINE.from_string(source).render(Context(dict(context), autoescape=True)))
    except VariableDoesNotExist:  # pragma: no cover - string_if_invalid answers "" instead
        return ""


@dataclass(frozen=True)
class Text:
    """What a document prints: its heading and its rendered body, and the version it came from
    (None: the module's default)."""

    title: str
    body_html: str
    version: DocumentTemplate | None


def template_in_force(kind: str, on: dt.date, made_at: dt.datetime | None = None) -> DocumentTemplate | None:
    """The version a document of `kind` dated `on` prints: the latest starting on or before `on`
    among those saved before the document was made (`made_at`, now for a preview or a new one)."""
    row: DocumentTemplate | None = (
        DocumentTemplate.objects.filter(
            kind=kind, valid_from__lte=on, created_at__lte=made_at or timezone.now()
        )
        .order_by("-valid_from", "-created_at")
        .first()
    )
    return row
