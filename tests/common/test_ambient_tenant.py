"""The current utility has one accessor, `modules.common.clock.current_tenant()` (ADR 0015): no other
module reads `connection.tenant`, each with its own guess of what the public schema looks like."""

from __future__ import annotations

import ast

from modules.common.clock import TenantInfo
from tenants.models import Tenant

from .source_tree import Source, sources

ALLOWED = {
    "modules/common/clock.py",  # the accessor itself
    "modules/common/tenancy.py",  # the tenant switch: saves and restores the connection's tenant
}


def _ambient_reads(source: Source) -> list[str]:
    found = []
    for node in ast.walk(source.tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "tenant"
            and isinstance(node.value, ast.Name)
            and node.value.id == "connection"
        ):
            found.append(f"{source.relative}:{node.lineno}: connection.tenant")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "connection"
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "tenant"
        ):
            found.append(f'{source.relative}:{node.lineno}: {node.func.id}(connection, "tenant")')
    return found


def test_only_the_clock_reads_the_connections_tenant() -> None:
    reads = [
        read for source in sources() if source.relative not in ALLOWED for read in _ambient_reads(source)
    ]

    assert reads == [], "use modules.common.clock.current_tenant()"


def test_the_checker_sees_both_shapes_of_an_ambient_read() -> None:
    code = 'a = getattr(connection, "tenant", None)\nb = connection.tenant.name\nc = request.tenant\n'
    source = Source(sources()[0].path, "x", ast.parse(code))

    assert [read.split(": ", 1)[1] for read in _ambient_reads(source)] == [
        'getattr(connection, "tenant")',
        "connection.tenant",
    ]


def test_the_tenant_model_has_everything_the_modules_read_of_it() -> None:
    """Modules see tenants.Tenant through clock.TenantInfo (they may not import the control plane):
    every attribute of the protocol must exist on the model."""
    fields = {f.name for f in Tenant._meta.get_fields()} | {"pk"}
    wanted = set(TenantInfo.__annotations__) | {
        name for name in vars(TenantInfo) if isinstance(vars(TenantInfo)[name], property)
    }

    assert wanted - fields - {name for name in dir(Tenant) if not name.startswith("_")} == set()
    assert {"primary_domain", "febraban_company_code", "timezone"} <= wanted


# "Today" is the utility's (ADR 0015): Django's `localdate()`/`localtime()` without a zone read the zone a
# request activated, which is UTC in a task (a payment imported at 22:30 in São Paulo would be closed
# on the next day), and `date.today()` reads the server's. A zone passed explicitly is fine.
CLOCK_ALLOWED = {
    ("platform/saas/demo/registry.py", "today"),  # the demo's default seeding day, a calendar date
}


def _server_clock_reads(source: Source) -> list[str]:
    found = []
    for node in ast.walk(source.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, owner = node.func.attr, node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        zoned = bool(node.args) or any(k.arg in {"timezone", "tz"} for k in node.keywords)
        if (
            (owner_name == "timezone" and name in {"localdate", "localtime"} and not zoned)
            or (owner_name == "date" and name == "today")
            or (owner_name == "datetime" and name == "now" and not zoned)
        ) and (source.relative, name) not in CLOCK_ALLOWED:
            found.append(f"{source.relative}:{node.lineno}: {owner_name}.{name}()")
    return found


def test_today_is_read_from_the_utilitys_clock() -> None:
    reads = [read for source in sources() for read in _server_clock_reads(source)]

    assert reads == [], "use modules.common.clock.tenant_today() / tenant_now()"


def test_the_clock_checker_sees_the_servers_today() -> None:
    code = (
        "a = timezone.localdate()\nb = dt.date.today()\nc = timezone.localdate(timezone=zone)\n"
        "d = dt.datetime.now()\ne = dt.datetime.now(dt.UTC)\nf = timezone.now()\n"
    )
    source = Source(sources()[0].path, "x", ast.parse(code))

    assert [read.split(": ", 1)[1] for read in _server_clock_reads(source)] == [
        "timezone.localdate()",
        "date.today()",
        "datetime.now()",
    ]
