"""Alertmanager routing: amtool validates the config and proves where each severity goes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from deploytools import OBSERVABILITY, run

pytestmark: list[pytest.MarkDecorator] = []

CONFIG = OBSERVABILITY / "alertmanager" / "alertmanager.yml"
RULES = sorted((OBSERVABILITY / "prometheus" / "rules").glob("*.yml"))


def routes_for(amtool: str, config: Path, *labels: str) -> set[str]:
    result = run([amtool, "config", "routes", "test", f"--config.file={config}", *labels])
    assert result.returncode == 0, result.stdout + result.stderr
    return set(result.stdout.strip().split(","))


def test_amtool_check_config(amtool: str) -> None:
    result = run([amtool, "check-config", str(CONFIG)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_amtool_rejects_a_route_to_an_undefined_receiver(amtool: str, tmp_path: Path) -> None:
    config = yaml.safe_load(CONFIG.read_text())
    config["route"]["routes"][0]["receiver"] = "nobody"
    broken = tmp_path / "alertmanager.yml"
    broken.write_text(yaml.safe_dump(config))
    result = run([amtool, "check-config", str(broken)])
    assert result.returncode != 0
    assert "nobody" in result.stdout + result.stderr


def test_pages_reach_the_pager_and_the_ops_console(amtool: str) -> None:
    assert routes_for(amtool, CONFIG, "severity=page", "tenant=querencia", "priority=0") == {
        "oncall-pager",
        "ops-incidents",
    }


def test_tickets_do_not_page(amtool: str) -> None:
    assert routes_for(amtool, CONFIG, "severity=ticket", "tenant=querencia") == {"ops-incidents", "ops-email"}


def test_every_severity_used_by_the_rules_has_a_route(amtool: str) -> None:
    severities = {
        rule["labels"]["severity"]
        for path in RULES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    assert severities == {"page", "ticket"}
    for severity in severities:
        assert "ops-incidents" in routes_for(amtool, CONFIG, f"severity={severity}")


def test_page_repeats_inside_the_restore_deadline() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    page = next(r for r in config["route"]["routes"] if r["matchers"] == ['severity="page"'])
    minutes = int(page["repeat_interval"].removesuffix("m"))
    assert minutes < 30  # seed 2.1-06: restore within 30 minutes
