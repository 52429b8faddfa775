"""The three OpenAPI schemas (staff, citizen, ops) as the API serves them, generated in-process with
drf-spectacular's SchemaGenerator and the same settings their views use, so the suites built on them
need no HTTP round trip and no token for the schema itself."""

from __future__ import annotations

import functools
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings

METHODS = ("get", "post", "put", "patch", "delete")


def _generate(urlconf: str, custom_settings: dict[str, Any] | None = None) -> dict[str, Any]:
    with patched_settings(custom_settings):
        return SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)


@functools.cache
def staff_schema() -> dict[str, Any]:
    return _generate("saas.urls_tenant", {"PREPROCESSING_HOOKS": ["saas.urls_tenant.staff_endpoints_only"]})


@functools.cache
def citizen_schema() -> dict[str, Any]:
    from portal.api_urls import SCHEMA_SETTINGS

    return _generate("portal.api_schema_urls", SCHEMA_SETTINGS)


@functools.cache
def ops_schema() -> dict[str, Any]:
    return _generate("saas.urls_public")


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation of the schema, in the schema's order."""
    return [
        (method, path, item[method])
        for path, item in schema["paths"].items()
        for method in METHODS
        if method in item
    ]


def path_parameters(path_item: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    params = [*path_item.get("parameters", []), *operation.get("parameters", [])]
    return [p["name"] for p in params if p.get("in") == "path"]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["components"]["schemas"][name]
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            merged |= _resolve(schema, part)
        return merged
    if "oneOf" in node or "anyOf" in node:
        return _resolve(schema, (node.get("oneOf") or node["anyOf"])[0])
    return node


_FORMATS = {
    "date": "2025-06-15",
    "date-time": "2025-06-15T12:00:00Z",
    "email": "a@example.com",
    "uri": "https://example.com",
}


def example(schema: dict[str, Any], node: dict[str, Any]) -> Any:
    """A small value of the node's type with every required property, good enough to pass an input
    serializer's shape checks, so a view reaches its lookup of the object in the path."""
    node = _resolve(schema, node)
    if "enum" in node:
        return next((value for value in node["enum"] if value is not None), None)
    kind = node.get("type", "object")
    if kind == "object":
        props = node.get("properties", {})
        # the required properties, and the optional choices (a view may insist on one of them)
        wanted = [n for n in props if n in node.get("required", []) or "enum" in _resolve(schema, props[n])]
        return {name: example(schema, props[name]) for name in wanted if not props[name].get("readOnly")}
    if kind == "array":
        return [example(schema, node.get("items", {}))] * max(1, node.get("minItems", 0))
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return "1.00" if node.get("format") == "decimal" else 1
    if kind == "boolean":
        return True
    if node.get("format") == "decimal":
        return "1.00"
    return _FORMATS.get(node.get("format", ""), "Texto de exemplo")


def request_example(schema: dict[str, Any], operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return example(schema, content["application/json"].get("schema", {}))
