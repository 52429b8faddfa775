"""Platform: provisioning one tenant end to end, migrate_schemas across 50 tenants, health latency.

.venv/bin/python -m tests.benchmarks platform
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time

from tests.benchmarks.common import BENCH_URL, ROOT, percentiles, setup_django, write

TENANT_COUNTS = (10, 25, 50)


def _provision(schema: str) -> float:
    from modules.common.audit import SystemActor
    from tenants import provisioning

    started = time.perf_counter()
    tenant = provisioning.tenant_request(
        actor=SystemActor("bench"),
        enqueue=False,
        request=provisioning.TenantRequest(schema, f"Bench {schema}", f"{schema}.bench.localhost"),
    )
    provisioning.tenant_provision(tenant_id=tenant.pk)
    return time.perf_counter() - started


def _migrate_all() -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "-v", "0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DATABASE_URL": BENCH_URL},
    )
    return time.perf_counter() - started


def _health_latency(requests: int = 2000) -> dict[str, object]:
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "saas.settings.dev",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "saas.wsgi:application",
            "--bind",
            "127.0.0.1:8765",
            "--workers",
            "2",
            "--pythonpath",
            f"{ROOT / 'platform'},{ROOT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", 8765, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": "b000.bench.localhost"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        samples: list[float] = []
        conn = http.client.HTTPConnection("127.0.0.1", 8765, timeout=5)
        for i in range(requests + 100):
            started = time.perf_counter()
            conn.request("GET", "/healthz", headers={"Host": f"b{i % 10:03d}.bench.localhost"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            assert response.status == 200, response.status
            if i >= 100:  # warm-up excluded
                samples.append(elapsed * 1000)
        return {
            "requests": requests,
            "ms": percentiles(samples),
            "note": "sequential keep-alive GET /healthz through the full middleware stack "
            "(tenant lookup, sessions, auth, metrics), gunicorn 2 workers",
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    setup_django(fresh=True)
    from django.core.management import call_command

    from tenants.bootstrap import ensure_public_tenant

    call_command("migrate_schemas", shared=True, verbosity=0)
    ensure_public_tenant()
    provision_seconds: list[float] = []
    migrate_seconds: dict[int, float] = {}
    made = 0
    for count in TENANT_COUNTS:
        while made < count:
            provision_seconds.append(_provision(f"b{made:03d}"))
            made += 1
        migrate_seconds[count] = _migrate_all()
        print(
            f"{count} tenants: migrate_schemas (nothing pending) {migrate_seconds[count]:.1f} s", flush=True
        )
    first = provision_seconds[0]
    print(
        f"provisioning one tenant end to end: first {first:.2f} s, "
        f"median {sorted(provision_seconds)[len(provision_seconds) // 2]:.2f} s (target <= 30 s)"
    )
    health = _health_latency()
    ms = health["ms"]
    print(f"GET /healthz p50 {ms['p50']:.2f} ms, p99 {ms['p99']:.2f} ms over {ms['n']} requests")  # type: ignore[index]
    write(
        "platform",
        {
            "provisioning_seconds": {"first": first, **percentiles(provision_seconds)},
            "migrate_schemas_seconds_by_tenant_count": migrate_seconds,
            "migrate_seconds_per_tenant": {n: s / n for n, s in migrate_seconds.items()},
            "health": health,
        },
    )


if __name__ == "__main__":
    main()
