"""Citizen API under /agencia/api/v1/ (portal/api_urls.py), with its own OpenAPI schema (never the
staff one), for the mobile app: one module per part of the agency, the same accessors, selectors
and services as the pages, so nothing here computes. `base` holds the token authentication, the
rate limit and the shared serializer helpers."""
