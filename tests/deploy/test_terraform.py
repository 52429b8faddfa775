"""Terraform (AWS): every file parses as HCL2 (python-hcl2), variables and resource references
are consistent, and the infrastructure has the properties the SLA needs (two zones, Multi-AZ
PostgreSQL with PITR and deletion protection, a three-node RabbitMQ cluster, versioned and
encrypted buckets, the contract's backup retention, a wildcard DNS record).

There is no terraform binary here (no Debian package, no download), so `terraform validate`
cannot run; these checks are the static part of it plus the project's own rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from deploytools import TERRAFORM, require_module

pytestmark: list[pytest.MarkDecorator] = []


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


@dataclass
class Config:
    text: str = ""
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: set[tuple[str, str]] = field(default_factory=set)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)


def load(directory: Path) -> Config:
    hcl2 = require_module("hcl2")
    config = Config()
    files = sorted(directory.glob("*.tf"))
    assert files, f"no .tf files in {directory}"
    for path in files:
        text = path.read_text()
        config.text += text + "\n"
        parsed = hcl2.loads(text)
        for block in parsed.get("variable", []):
            for name, body in block.items():
                config.variables[unquote(name)] = body
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    config.resources[(unquote(rtype), unquote(name))] = body
        for block in parsed.get("data", []):
            for dtype, named in block.items():
                for name in named:
                    config.data.add((unquote(dtype), unquote(name)))
        for block in parsed.get("output", []):
            for name, body in block.items():
                config.outputs[unquote(name)] = body
    return config


def reference_problems(config: Config) -> list[str]:
    code = re.sub(r"(?m)^\s*#.*$", "", config.text)
    problems = []
    used_vars = set(re.findall(r"\bvar\.([a-z0-9_]+)", code))
    for name in sorted(used_vars - set(config.variables)):
        problems.append(f"undeclared variable {name}")
    for name in sorted(set(config.variables) - used_vars):
        problems.append(f"unused variable {name}")
    for name, body in config.variables.items():
        if not unquote(body.get("description", "")):
            problems.append(f"variable {name} has no description")
    for dtype, name in set(re.findall(r"\bdata\.([a-z0-9_]+)\.([a-z0-9_]+)", code)):
        if (dtype, name) not in config.data:
            problems.append(f"undeclared data source {dtype}.{name}")
    for rtype, name in set(re.findall(r"(?<![\w.])((?:aws|random)_[a-z0-9_]+)\.([a-z0-9_]+)", code)):
        if (rtype, name) not in config.resources:
            problems.append(f"undeclared resource {rtype}.{name}")
    return sorted(problems)


def requirement_problems(config: Config) -> list[str]:
    problems = []
    r = config.resources

    def need(cond: bool, message: str) -> None:
        if not cond:
            problems.append(message)

    azs = [unquote(z) for z in config.variables.get("availability_zones", {}).get("default", [])]
    need(len(set(azs)) == 2, "two availability zones by default")
    for kind in ("public", "private"):
        need(
            r.get(("aws_subnet", kind), {}).get("count") == "${length(local.azs)}",
            f"one {kind} subnet per zone",
        )
    need(
        r.get(("aws_nat_gateway", "main"), {}).get("count") == "${length(local.azs)}",
        "one NAT gateway per zone",
    )

    eks = r.get(("aws_eks_cluster", "main"), {})
    need(
        eks.get("vpc_config", [{}])[0].get("subnet_ids") == "${aws_subnet.private[*].id}",
        "EKS in private subnets",
    )
    nodes = r.get(("aws_eks_node_group", "app"), {})
    need(
        nodes.get("subnet_ids") == "${aws_subnet.private[*].id}", "nodes in the private subnets of every zone"
    )

    db = r.get(("aws_db_instance", "main"), {})
    need(unquote(db.get("engine")) == "postgres", "PostgreSQL")
    need(db.get("multi_az") is True, "PostgreSQL Multi-AZ (standby in the other zone)")
    need(db.get("deletion_protection") is True, "database deletion protection")
    need(db.get("storage_encrypted") is True, "database encrypted at rest")
    need(db.get("publicly_accessible") is False, "database not public")
    retention = db.get("backup_retention_period")
    if retention == "${var.db_backup_retention_days}":
        var = config.variables.get("db_backup_retention_days", {})
        need(int(var.get("default", 0)) >= 7, "PITR retention of 7 days or more")
        need(">= 7" in str(var.get("validation", "")), "PITR retention validated at 7 days or more")
    else:
        need(isinstance(retention, int) and retention >= 7, "PITR retention of 7 days or more")
    replica = r.get(("aws_db_instance", "reports"), {})
    need(
        replica.get("replicate_source_db") == "${aws_db_instance.main.identifier}", "read replica for reports"
    )

    mq = r.get(("aws_mq_broker", "main"), {})
    need(unquote(mq.get("engine_type")) == "RabbitMQ", "RabbitMQ broker")
    need(
        unquote(mq.get("deployment_mode")) == "CLUSTER_MULTI_AZ",
        "RabbitMQ cluster of three nodes across zones",
    )
    need(mq.get("publicly_accessible") is False, "broker not public")

    redis = r.get(("aws_elasticache_replication_group", "main"), {})
    need(
        redis.get("multi_az_enabled") is True and redis.get("automatic_failover_enabled") is True,
        "Redis failover",
    )

    buckets = {name for (rtype, name) in r if rtype == "aws_s3_bucket"}
    need({"media", "backups"} <= buckets, "media and backups buckets")
    need(
        re.search(r"media\s*=\s*aws_s3_bucket\.media\.id", config.text) is not None
        and re.search(r"backups\s*=\s*aws_s3_bucket\.backups\.id", config.text) is not None,
        "every bucket in local.buckets",
    )
    versioning = r.get(("aws_s3_bucket_versioning", "this"), {})
    need(versioning.get("for_each") == "${local.buckets}", "versioning on every bucket")
    need(
        unquote(versioning.get("versioning_configuration", [{}])[0].get("status")) == "Enabled",
        "versioning on",
    )
    sse = r.get(("aws_s3_bucket_server_side_encryption_configuration", "this"), {})
    need(sse.get("for_each") == "${local.buckets}", "encryption on every bucket")
    need("aws:kms" in str(sse), "KMS encryption of buckets")

    wildcard = r.get(("aws_route53_record", "wildcard"), {})
    need(unquote(wildcard.get("name")) == "*.${var.base_domain}", "wildcard DNS record for tenant hosts")

    # seed 2.15-05: daily Mon-Fri 6 days, Sundays but the first 15 days, first Sunday 30 days
    need(
        re.search(r'cron\(0 5 \? \* MON-FRI \*\)", retention_days = 6', config.text) is not None, "daily set"
    )
    need(
        re.search(r"for n in \[2, 3, 4, 5\].*SUN#\$\{n\}.*retention_days = 15", config.text) is not None,
        "weekly set on Sundays 2-5",
    )
    need(
        re.search(r'cron\(0 5 \? \* SUN#1 \*\)", retention_days = 30', config.text) is not None, "monthly set"
    )
    selection = r.get(("aws_backup_selection", "main"), {})
    need("${aws_db_instance.main.arn}" in selection.get("resources", []), "database in the backup plan")
    need(
        {"${aws_s3_bucket.media.arn}", "${aws_s3_bucket.backups.arn}"} <= set(selection.get("resources", [])),
        "media and per-utility archives in the backup plan",
    )
    return problems


@pytest.fixture(scope="module")
def config() -> Config:
    return load(TERRAFORM)


def test_every_file_parses(config: Config) -> None:
    assert len(config.resources) > 40
    assert {"vpc_id", "eks_cluster_name", "db_address", "broker_endpoint", "media_bucket"} <= set(
        config.outputs
    )


def test_references_are_consistent(config: Config) -> None:
    assert reference_problems(config) == []


def test_infrastructure_meets_the_sla_requirements(config: Config) -> None:
    assert requirement_problems(config) == []


def test_the_operations_doc_states_what_terraform_keeps(config: Config) -> None:
    """docs/operations.md is what the operators read: its retention figures are the code's."""
    doc = (TERRAFORM.parents[1] / "docs" / "operations.md").read_text()
    pitr = config.variables["db_backup_retention_days"]["default"]
    assert f"`db_backup_retention_days` (default {pitr}, 7–35)" in doc
    for rule, days in (("daily set", 6), ("weekly set", 15), ("monthly set", 30)):
        assert re.search(rf"\| {rule} \|[^\n]*\| {days} days \|", doc), rule
    lifecycle = config.resources[("aws_s3_bucket_lifecycle_configuration", "backups")]
    assert f"| {lifecycle['rule'][0]['expiration'][0]['days']} days (bucket lifecycle) |" in doc
    assert "`backup_off_site_vault_arn`" in doc


def test_readme_and_example_vars_exist() -> None:
    readme = (TERRAFORM / "README.md").read_text()
    assert "terraform init" in readme and "terraform apply" in readme
    example = (TERRAFORM / "terraform.tfvars.example").read_text()
    hcl2 = require_module("hcl2")
    given = {k for k in hcl2.loads(example) if not k.startswith("__")}
    variables = load(TERRAFORM).variables
    required = {name for name, body in variables.items() if "default" not in body}
    assert required == {"environment", "base_domain", "eks_public_access_cidrs"}
    assert required <= given <= set(variables)


BROKEN = """
variable "unused" {
  description = "never read"
  type        = string
}

variable "availability_zones" {
  description = "one zone only"
  default     = ["sa-east-1a"]
}

resource "aws_db_instance" "main" {
  engine                  = "postgres"
  multi_az                = false
  backup_retention_period = 1
  deletion_protection     = false
  instance_class          = var.db_class
  replicate_source_db     = aws_db_instance.ghost.id
}

resource "aws_mq_broker" "main" {
  engine_type     = "RabbitMQ"
  deployment_mode = "SINGLE_INSTANCE"
}
"""


def test_checkers_reject_a_broken_configuration(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BROKEN)
    broken = load(tmp_path)
    assert reference_problems(broken) == [
        "undeclared resource aws_db_instance.ghost",
        "undeclared variable db_class",
        "unused variable availability_zones",
        "unused variable unused",
    ]
    problems = requirement_problems(broken)
    for expected in (
        "two availability zones by default",
        "PostgreSQL Multi-AZ (standby in the other zone)",
        "database deletion protection",
        "PITR retention of 7 days or more",
        "RabbitMQ cluster of three nodes across zones",
        "wildcard DNS record for tenant hosts",
        "daily set",
        "monthly set",
    ):
        assert expected in problems


def test_parser_rejects_malformed_hcl(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = "a"\n')
    with pytest.raises(Exception):  # noqa: B017 - lark raises its own parse errors
        load(tmp_path)
