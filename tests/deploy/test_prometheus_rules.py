"""Prometheus rules: promtool validates and unit-tests them; Python checks the metrics contract
and the burn-rate thresholds against the 99.982 % SLO."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploytools import OBSERVABILITY, exported_series_names, run, selector_names, unknown_metrics

pytestmark: list[pytest.MarkDecorator] = []

RULES_DIR = OBSERVABILITY / "prometheus" / "rules"
TESTS_DIR = OBSERVABILITY / "prometheus" / "tests"
RULE_FILES = sorted(RULES_DIR.glob("*.yml"))
TEST_FILES = sorted(TESTS_DIR.glob("*.test.yml"))
ERROR_BUDGET = 1 - 0.99982  # 0.018 %


def _rules() -> list[dict[str, Any]]:
    rules = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            rules.extend(group["rules"])
    return rules


def test_rule_files_exist() -> None:
    assert {p.name for p in RULE_FILES} >= {"manancial-slo.rules.yml", "manancial-app.rules.yml"}
    assert TEST_FILES, "promtool unit tests are missing"


def test_promtool_check_rules(promtool: str) -> None:
    result = run([promtool, "check", "rules", *map(str, RULE_FILES)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests(promtool: str) -> None:
    result = run([promtool, "test", "rules", *map(str, TEST_FILES)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_rejects_a_bad_expression(promtool: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rules.yml"
    bad.write_text(
        "groups:\n  - name: bad\n    rules:\n"
        "      - alert: Broken\n        expr: sum by (tenant (rate(manancial_probe_success[5m])\n"
    )
    result = run([promtool, "check", "rules", str(bad)])
    assert result.returncode != 0
    assert "bad.rules.yml" in result.stdout + result.stderr


def test_promtool_unit_test_fails_when_expectation_is_wrong(promtool: str, tmp_path: Path) -> None:
    """Negative control for the unit tests: claiming that a tenant below the budget pages must fail."""
    suite = yaml.safe_load((TESTS_DIR / "manancial-slo.test.yml").read_text())
    suite["rule_files"] = [str(RULES_DIR / "manancial-slo.rules.yml")]
    case = suite["tests"][0]
    assert case["name"].startswith("5xx fast burn")
    first = case["alert_rule_test"][0]
    assert first["alertname"] == "ManancialTenantHttp5xxBudgetFastBurn"
    wrong = {
        **first["exp_alerts"][0],
        "exp_labels": {**first["exp_alerts"][0]["exp_labels"], "tenant": "sorocaba"},
    }
    first["exp_alerts"].append(wrong)  # sorocaba is at 0.01 %, below the 0.018 % budget
    suite["tests"] = [case]
    path = tmp_path / "wrong.test.yml"
    path.write_text(yaml.safe_dump(suite))
    result = run([promtool, "test", "rules", str(path)])
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr


def test_rules_use_only_exported_metrics_and_defined_recordings() -> None:
    rules = _rules()
    recorded = {r["record"] for r in rules if "record" in r}
    allowed = exported_series_names() | recorded
    for rule in rules:
        assert not unknown_metrics(rule["expr"], allowed), (rule.get("alert") or rule["record"], rule["expr"])


def test_metric_checker_flags_unknown_metrics() -> None:
    allowed = exported_series_names()
    assert unknown_metrics('rate(manancial_http_requests_total{status="500"}[5m])', allowed) == set()
    assert unknown_metrics("rate(manancial_http_request_total[5m])", allowed) == {
        "manancial_http_request_total"
    }
    assert unknown_metrics('sum(up{job="x"}) + manancial_probe_success', allowed) == {"up"}
    with pytest.raises(Exception):  # noqa: B017 - the parser raises its own error type
        selector_names("sum by (tenant (manancial_probe_success)")


def test_every_alert_is_routable_and_documented() -> None:
    alerts = [r for r in _rules() if "alert" in r]
    assert len(alerts) >= 8
    for alert in alerts:
        labels, annotations = alert["labels"], alert["annotations"]
        assert labels["severity"] in {"page", "ticket"}, alert["alert"]
        assert labels["priority"] in {str(p) for p in range(7)}, alert["alert"]  # Tabela 1.1
        assert {"summary", "description", "runbook_url"} <= set(annotations), alert["alert"]


BURN_PAIRS = {  # SRE workbook, 30-day budget: (long window, short window, burn factor, severity)
    ("1h", "5m", 14.4, "page"),
    ("6h", "30m", 6.0, "page"),
    ("1d", "2h", 3.0, "ticket"),
    ("3d", "6h", 1.0, "ticket"),
}


def burn_conditions(expr: str) -> set[tuple[str, str, float]]:
    """(window, window, factor) triples: each clause 'ratio_<w> > (f * budget)' in the expression."""
    found = re.findall(r"ratio_(?:avg|rate)(\w+?) > \(([\d.]+) \* ([\d.]+)\)", expr)
    clauses: list[tuple[str, float]] = []
    for window, factor, budget in found:
        assert float(budget) == pytest.approx(ERROR_BUDGET), expr
        clauses.append((window, float(factor)))
    pairs = set()
    for (w1, f1), (w2, f2) in zip(clauses[::2], clauses[1::2], strict=True):
        assert f1 == f2, expr
        pairs.add((w1, w2, f1))
    return pairs


@pytest.mark.parametrize("sli", ["Probe", "Http5xx"])
def test_burn_rate_alerts_match_the_slo(sli: str) -> None:
    alerts = {r["alert"]: r for r in _rules() if "alert" in r}
    fast = alerts[f"ManancialTenant{sli}BudgetFastBurn"]
    slow = alerts[f"ManancialTenant{sli}BudgetSlowBurn"]
    assert fast["labels"]["severity"] == "page" and slow["labels"]["severity"] == "ticket"
    assert "for" not in fast and "for" not in slow  # the short window is the reset, no delay
    got = {(a, b, f, "page") for a, b, f in burn_conditions(fast["expr"])}
    got |= {(a, b, f, "ticket") for a, b, f in burn_conditions(slow["expr"])}
    assert got == BURN_PAIRS
    # every alert is per tenant: the recordings it reads aggregate by tenant
    assert "by (tenant)" in " ".join(
        r["expr"] for r in _rules() if r.get("record", "").startswith("manancial:tenant_")
    )


def test_burn_rate_checker_rejects_wrong_thresholds() -> None:
    expr = "(manancial:x:ratio_avg1h > (14.4 * 0.00018) and manancial:x:ratio_avg5m > (14.4 * 0.00018))"
    assert burn_conditions(expr) == {("1h", "5m", 14.4)}
    with pytest.raises(AssertionError):  # budget of 99.82 %, not 99.982 %
        burn_conditions(expr.replace("0.00018", "0.0018"))
    with pytest.raises(AssertionError):  # the two windows of a pair disagree on the factor
        burn_conditions(expr.replace("(14.4 *", "(10 *", 1))
    slower = {(a, b, 10.0 if f == 14.4 else f, s) for a, b, f, s in BURN_PAIRS}
    assert slower != BURN_PAIRS


def test_a_stuck_billing_run_alerts_per_tenant_after_the_sweeps_retries() -> None:
    """ADR 0115: the gauge the sweep feeds alerts per tenant, only once the automatic retries
    (a sweep every 2 min, a chunk timeout of 10 min) had time to recover the run."""
    alert = {r["alert"]: r for r in _rules() if "alert" in r}["ManancialBillingRunStuck"]
    assert selector_names(alert["expr"]) == {"manancial_billing_runs_stuck"}
    assert "by (tenant)" in alert["expr"]
    assert alert["for"] == "15m"
    assert (alert["labels"]["severity"], alert["labels"]["priority"]) == ("ticket", "2")
