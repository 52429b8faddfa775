"""The API's JSON parser, in a module of its own: DRF reads DEFAULT_PARSER_CLASSES while it defines
APIView, so this module must not import rest_framework.views (modules.common.api does)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, parsers


class JSONObjectParser(parsers.JSONParser):
    """Every JSON body of the API is an object; a list, a string or a number is refused here, once,
    instead of reaching a view that calls `request.data.get`."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError("O corpo da requisição deve ser um objeto JSON ({...}).")
        return data
