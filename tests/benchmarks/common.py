"""Shared helpers for benchmarks: a dedicated database, percentiles, JSON output."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "tests" / "benchmarks" / "results"
BENCH_DB = os.environ.get("BENCH_DATABASE", "manancial_bench")
BENCH_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"


def setup_django(fresh: bool = False) -> None:
    """Point Django at the benchmark database (created on demand) and set it up."""
    if fresh:
        subprocess.run(
            ["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc", f"DROP DATABASE IF EXISTS {BENCH_DB}"],
            check=True,
            capture_output=True,
        )
    exists = subprocess.run(
        [
            "psql",
            "-U",
            "postgres",
            "-h",
            "127.0.0.1",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{BENCH_DB}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            ["psql", "-U", "postgres", "-h", "127.0.0.1", "-qc", f"CREATE DATABASE {BENCH_DB}"],
            check=True,
            capture_output=True,
        )
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    for path in (str(ROOT / "platform"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


def write(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        **figures,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print(f"-> {path.relative_to(ROOT)}")
    return path
