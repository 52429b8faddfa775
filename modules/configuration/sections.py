"""The sections of the configuration document, in dependency order.

Each tenant app that owns settings has a `configuration` module with a `SECTION`
(modules/common/configuration.py). They are found the way provisioning finds each app's `seed`:
walking `TENANT_APPS`, whose order is the dependency order (registry before metering, reading,
billing, collection, debt, then the service desk and the agency), so a section is imported after the
sections whose rows it names (a tariff names the registry's categories). An app without one is
skipped, so a module that brings its section later appears in the document without a change here;
the agency (`portal`) is found by name, never imported (nothing imports portal). ADR 0155.
"""

from __future__ import annotations

import importlib

from django.conf import settings

from modules.common.configuration import Section


def all_sections() -> list[Section]:
    found: list[Section] = []
    for app in settings.TENANT_APPS:
        name = f"{app}.configuration"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        section = getattr(module, "SECTION", None)
        if section is not None:  # modules.common.configuration is the contract, not a section
            found.append(section)
    return found
