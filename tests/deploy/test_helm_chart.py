"""Helm chart: rendered for real by Helm's own Go engine (helm-python-sdk binds the official Helm
v4 SDK, no helm binary), linted, its values checked against values.schema.json, and every
rendered manifest validated against the Kubernetes OpenAPI schemas (kubernetes-validate)."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploytools import CHART, require_module

pytestmark: list[pytest.MarkDecorator] = []

K8S_VERSION = "1.31.0"  # infra/terraform variable eks_version
CRD_KINDS = {
    "ServiceMonitor",
    "ScaledObject",
    "TriggerAuthentication",
}  # not in the Kubernetes schemas; checked by hand below
QUEUES = ("batch", "interactive", "probes")  # platform/saas/queues.py CLASSES


@pytest.fixture(scope="module")
def helm() -> Any:
    return require_module("helm_python")


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return yaml.safe_load((CHART / "values.yaml").read_text())


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads((CHART / "values.schema.json").read_text())


def render(helm: Any, chart: Path = CHART, overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    with helm.Chart.load(str(chart)) as loaded:
        manifests = loaded.render(overrides or {}, name="manancial", namespace="manancial")
    docs = []
    for source, text in sorted(manifests.items()):
        if not source.endswith((".yaml", ".yml")):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                doc["__source__"] = source
                docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def docs(helm: Any) -> list[dict[str, Any]]:
    return render(helm)


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def containers(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    spec = doc["spec"]["template"]["spec"] if "template" in doc.get("spec", {}) else {}
    yield from spec.get("initContainers", [])
    yield from spec.get("containers", [])


def k8s_problems(docs: list[dict[str, Any]]) -> list[str]:
    kv = require_module("kubernetes_validate")
    problems = []
    for doc in docs:
        body = {k: v for k, v in doc.items() if k != "__source__"}
        if body["kind"] in CRD_KINDS:
            continue
        try:
            kv.validate(body, K8S_VERSION, strict=True)
        except kv.ValidationError as exc:
            problems.append(f"{doc['__source__']} {body['kind']}: {exc.message}")
    return problems


def resource_problems(docs: list[dict[str, Any]]) -> list[str]:
    problems = []
    for doc in docs:
        for c in containers(doc):
            res = c.get("resources", {})
            for section in ("requests", "limits"):
                if not {"cpu", "memory"} <= set(res.get(section, {})):
                    problems.append(f"{doc['metadata']['name']}/{c['name']} lacks {section}")
    return problems


# --- chart metadata, values and schema ---------------------------------------------------


def test_chart_metadata() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "manancial"
    assert chart["type"] == "application"
    assert chart["version"] and chart["appVersion"]


def test_values_conform_to_the_schema(values: dict[str, Any], schema: dict[str, Any]) -> None:
    jsonschema = require_module("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(values))
    assert errors == []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda v: v["pgbouncer"].update(poolMode="transaction"), "transaction pooling mixes tenants"),
        (lambda v: v.pop("baseDomain"), "no base domain, no tenant hosts"),
        (lambda v: v["beat"].update(replicas=2), "beat is a singleton"),
        (lambda v: v["web"]["resources"].pop("limits"), "every container needs limits"),
        (lambda v: v["web"]["autoscaling"].update(minReplicas=1), "one web pod cannot survive a zone"),
        (lambda v: v["env"].update(SECRET_KEY="plain"), "secrets only through the Secret"),
        (
            lambda v: v["env"].update(FIELD_ENCRYPTION_KEYS="plain"),
            "the encryption keys only through the Secret",
        ),
        (lambda v: v["image"].update(tag="latest"), "releases pin the image"),
        (lambda v: v["pgbouncer"].update(enabled=True), "pgbouncer needs an upstream host"),
        (lambda v: v["worker"]["queues"].pop("probes"), "every class of work needs its own pool"),
        (
            lambda v: v["worker"]["queues"].update(bulk=v["worker"]["queues"]["batch"]),
            "no queue the app never routes to",
        ),
        (lambda v: v["worker"]["queues"]["probes"].update(pool="gevent"), "the app is not gevent-safe"),
        (
            lambda v: v["worker"]["queues"]["batch"]["autoscaling"].pop("queueLength"),
            "KEDA needs a target depth",
        ),
    ],
)
def test_schema_rejects_broken_values(
    values: dict[str, Any], schema: dict[str, Any], change: Any, why: str
) -> None:
    jsonschema = require_module("jsonschema")
    broken = copy.deepcopy(values)
    change(broken)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken)), why


def test_helm_itself_enforces_the_schema(helm: Any) -> None:
    with helm.Chart.load(str(CHART)) as chart:
        chart.validate_schema({})
        with pytest.raises(helm.HelmError):
            chart.validate_schema({"pgbouncer": {"enabled": True, "poolMode": "transaction"}})
        with pytest.raises(helm.HelmError):
            chart.render({"pgbouncer": {"poolMode": "transaction"}}, name="manancial", namespace="manancial")


# --- lint and Kubernetes schemas ---------------------------------------------------------


def test_helm_lint_has_no_errors(helm: Any) -> None:
    report = helm.lint(str(CHART))
    assert report["errors"] == []
    assert not [m for m in report["messages"] if m["severity"] >= 3], report["messages"]  # 3 = error


def test_helm_lint_catches_a_broken_template(helm: Any, tmp_path: Path) -> None:
    broken = tmp_path / "manancial"
    shutil.copytree(CHART, broken)
    web = broken / "templates" / "web-deployment.yaml"
    web.write_text(
        web.read_text().replace('{{ include "manancial.image" . }}', '{{ include "manancial.image" . ')
    )
    report = helm.lint(str(broken))
    assert report["errors"] or [m for m in report["messages"] if m["severity"] >= 3]


def test_rendered_manifests_are_valid_kubernetes(helm: Any, docs: list[dict[str, Any]]) -> None:
    assert k8s_problems(docs) == []
    with_pgbouncer = render(
        helm, overrides={"pgbouncer": {"enabled": True, "upstreamHost": "db", "authSecret": "pgb"}}
    )
    assert k8s_problems(with_pgbouncer) == []


def test_kubernetes_validation_rejects_bad_manifests(docs: list[dict[str, Any]]) -> None:
    wrong_type = copy.deepcopy(find(docs, "Deployment", "manancial-beat"))
    wrong_type["spec"]["replicas"] = "one"
    assert k8s_problems([wrong_type]) == [
        "manancial/templates/beat-deployment.yaml Deployment: 'one' is not of type 'integer', 'null'"
    ]
    typo = copy.deepcopy(find(docs, "Deployment", "manancial-web"))
    typo["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    (problem,) = k8s_problems([typo])
    assert "readinesProbe" in problem


# --- structural facts of the release -----------------------------------------------------


def test_expected_objects(docs: list[dict[str, Any]]) -> None:
    kinds = sorted((d["kind"], d["metadata"]["name"]) for d in docs)
    assert kinds == sorted(
        [
            ("Deployment", "manancial-web"),
            *[("Deployment", f"manancial-worker-{q}") for q in QUEUES],
            ("Deployment", "manancial-beat"),
            ("Service", "manancial-web"),
            ("Service", "manancial-worker-metrics"),
            ("HorizontalPodAutoscaler", "manancial-web"),
            *[("HorizontalPodAutoscaler", f"manancial-worker-{q}") for q in QUEUES],
            ("PodDisruptionBudget", "manancial-web"),
            *[("PodDisruptionBudget", f"manancial-worker-{q}") for q in QUEUES],
            ("Job", "manancial-migrate"),
            ("Ingress", "manancial"),
            ("ServiceMonitor", "manancial"),
        ]
    )


def test_web_runs_gunicorn_with_probes(docs: list[dict[str, Any]]) -> None:
    web = find(docs, "Deployment", "manancial-web")
    (c,) = web["spec"]["template"]["spec"]["containers"]
    assert c["command"] == ["gunicorn", "saas.wsgi:application", "--config", "platform/saas/gunicorn_conf.py"]
    assert c["workingDir"] == "/app"
    assert c["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert "replicas" not in web["spec"]  # owned by the HPA


@pytest.mark.parametrize(
    ("queue", "pool"),
    [
        ("interactive", ["--pool=prefork", "--concurrency=2"]),
        ("probes", ["--pool=threads", "--concurrency=8"]),
        ("batch", ["--pool=prefork", "--concurrency=2"]),
    ],
)
def test_one_worker_deployment_per_queue(docs: list[dict[str, Any]], queue: str, pool: list[str]) -> None:
    deployment = find(docs, "Deployment", f"manancial-worker-{queue}")
    (worker,) = deployment["spec"]["template"]["spec"]["containers"]
    assert worker["command"] == [
        "celery",
        "-A",
        "saas",
        "worker",
        "--loglevel=INFO",
        "-Q",
        f"manancial.{queue}",
        "-n",
        f"{queue}@%h",
        *pool,
    ]
    assert worker["ports"][0]["containerPort"] == 9808
    assert worker["livenessProbe"]["exec"]["command"][-1].endswith(f"--destination {queue}@$HOSTNAME")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert (labels["app.kubernetes.io/component"], labels["manancial.io/queue"]) == ("worker", queue)
    assert "replicas" not in deployment["spec"]  # owned by the HPA or KEDA


def test_worker_pools_do_not_select_each_others_pods(docs: list[dict[str, Any]]) -> None:
    selectors = [
        find(docs, "Deployment", f"manancial-worker-{q}")["spec"]["selector"]["matchLabels"] for q in QUEUES
    ]
    for selector in selectors:
        owners = [
            q
            for q in QUEUES
            if selector.items()
            <= find(docs, "Deployment", f"manancial-worker-{q}")["spec"]["template"]["metadata"][
                "labels"
            ].items()
        ]
        assert len(owners) == 1, selector
    metrics = find(docs, "Service", "manancial-worker-metrics")["spec"]["selector"]
    for q in QUEUES:  # Prometheus still scrapes every pool
        assert (
            metrics.items()
            <= find(docs, "Deployment", f"manancial-worker-{q}")["spec"]["template"]["metadata"][
                "labels"
            ].items()
        )


def test_the_queue_prefix_follows_celery_queue(helm: Any) -> None:
    env = yaml.safe_load((CHART / "values.yaml").read_text())["env"]
    docs = render(helm, overrides={"env": {**env, "CELERY_QUEUE": "prod"}})
    (worker,) = find(docs, "Deployment", "manancial-worker-batch")["spec"]["template"]["spec"]["containers"]
    assert worker["command"][5:7] == ["-Q", "prod.batch"]


def test_keda_scales_each_worker_pool_on_its_queue_depth(helm: Any) -> None:
    docs = render(helm, overrides={"worker": {"keda": {"enabled": True}}})
    assert k8s_problems(docs) == []
    assert not [
        d for d in docs if d["kind"] == "HorizontalPodAutoscaler" and "worker" in d["metadata"]["name"]
    ]
    auth = find(docs, "TriggerAuthentication", "manancial-rabbitmq")
    assert auth["apiVersion"] == "keda.sh/v1alpha1"
    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "host", "name": "manancial-env", "key": "BROKER_URL"}
    ]
    for queue, length in [("interactive", "5"), ("probes", "20"), ("batch", "20")]:
        scaled = find(docs, "ScaledObject", f"manancial-worker-{queue}")
        assert scaled["apiVersion"] == "keda.sh/v1alpha1"
        assert scaled["spec"]["scaleTargetRef"] == {"name": f"manancial-worker-{queue}"}
        assert scaled["spec"]["minReplicaCount"] >= 2
        rabbit, cpu = scaled["spec"]["triggers"]
        assert rabbit == {
            "type": "rabbitmq",
            "metadata": {
                "protocol": "amqp",
                "mode": "QueueLength",
                "value": length,
                "queueName": f"manancial.{queue}",
            },
            "authenticationRef": {"name": "manancial-rabbitmq"},
        }
        assert cpu["type"] == "cpu"
    assert not [
        d for d in render(helm) if d["kind"] in {"ScaledObject", "TriggerAuthentication"}
    ]  # off by default


def test_beat_command(docs: list[dict[str, Any]]) -> None:
    beat = find(docs, "Deployment", "manancial-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    (c,) = beat["spec"]["template"]["spec"]["containers"]
    assert c["command"][:5] == ["celery", "-A", "saas", "beat", "--loglevel=INFO"]


def test_hpa_and_pdb_for_web_and_worker(docs: list[dict[str, Any]]) -> None:
    for component in ("web", *(f"worker-{q}" for q in QUEUES)):
        hpa = find(docs, "HorizontalPodAutoscaler", f"manancial-{component}")
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": f"manancial-{component}",
        }
        assert hpa["spec"]["minReplicas"] >= 2
        pdb = find(docs, "PodDisruptionBudget", f"manancial-{component}")
        deployment = find(docs, "Deployment", f"manancial-{component}")
        assert pdb["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        assert pdb["spec"]["maxUnavailable"] < hpa["spec"]["minReplicas"]
    assert not [
        d
        for d in docs
        if d["kind"] == "HorizontalPodAutoscaler" and d["spec"]["scaleTargetRef"]["name"] == "manancial-beat"
    ]


def test_migrations_run_as_a_pre_install_and_pre_upgrade_hook(docs: list[dict[str, Any]]) -> None:
    job = find(docs, "Job", "manancial-migrate")
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    (c,) = job["spec"]["template"]["spec"]["containers"]
    assert c["command"] == ["sh", "-c", "python manage.py migrate_schemas && python manage.py seed_tenants"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_ingress_serves_every_tenant_with_a_wildcard_certificate(docs: list[dict[str, Any]]) -> None:
    ingress = find(docs, "Ingress", "manancial")
    base = "manancial.example.com.br"
    assert [r["host"] for r in ingress["spec"]["rules"]] == [f"*.{base}", base]
    assert ingress["spec"]["tls"] == [{"hosts": [f"*.{base}", base], "secretName": "manancial-wildcard-tls"}]
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert path["backend"]["service"] == {"name": "manancial-web", "port": {"name": "http"}}


def test_no_custom_host_ingress_by_default(docs: list[dict[str, Any]]) -> None:
    assert [d["metadata"]["name"] for d in docs if d["kind"] == "Ingress"] == ["manancial"]


def test_custom_hosts_get_their_own_http01_certificates(helm: Any) -> None:
    hosts = ["agencia.saae.sp.gov.br", "atendimento.daequerencia.mt.gov.br"]
    docs = render(helm, overrides={"ingress": {"customHosts": [{"host": h} for h in hosts]}})
    ingress = find(docs, "Ingress", "manancial-custom-hosts")
    annotations = ingress["metadata"]["annotations"]
    assert annotations["cert-manager.io/cluster-issuer"] == "letsencrypt-http01"
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "50m"  # the chart's others kept
    assert [r["host"] for r in ingress["spec"]["rules"]] == hosts
    assert ingress["spec"]["tls"] == [
        {"hosts": ["agencia.saae.sp.gov.br"], "secretName": "custom-agencia-saae-sp-gov-br-tls"},
        {"hosts": [hosts[1]], "secretName": "custom-atendimento-daequerencia-mt-gov-br-tls"},
    ]
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert path["backend"]["service"] == {"name": "manancial-web", "port": {"name": "http"}}
    assert k8s_problems(docs) == []
    (c,) = find(docs, "Deployment", "manancial-web")["spec"]["template"]["spec"]["containers"]
    assert {"name": "EXTRA_ALLOWED_HOSTS", "value": ",".join(hosts)} in c["env"]  # Django accepts them
    # the wildcard Ingress is untouched
    assert find(docs, "Ingress", "manancial")["spec"]["tls"][0]["secretName"] == "manancial-wildcard-tls"


@pytest.mark.parametrize(
    "host", ["Agencia.SAAE.gov.br", "https://agencia.saae.gov.br", "*.saae.gov.br", "saae"]
)
def test_custom_hosts_must_be_plain_host_names(helm: Any, host: str) -> None:
    with helm.Chart.load(str(CHART)) as chart, pytest.raises(helm.HelmError):
        chart.validate_schema({"ingress": {"customHosts": [{"host": host}]}})


def test_base_domain_flows_to_ingress_and_env(helm: Any) -> None:
    docs = render(helm, overrides={"baseDomain": "saas.agua.gov.br"})
    assert find(docs, "Ingress", "manancial")["spec"]["rules"][0]["host"] == "*.saas.agua.gov.br"
    (c,) = find(docs, "Deployment", "manancial-web")["spec"]["template"]["spec"]["containers"]
    assert {"name": "BASE_DOMAIN", "value": "saas.agua.gov.br"} in c["env"]


def test_every_container_has_resources(docs: list[dict[str, Any]]) -> None:
    assert resource_problems(docs) == []
    assert sum(1 for d in docs for _ in containers(d)) == 6  # web, three workers, beat, migrate


def test_resource_check_catches_a_container_without_limits(docs: list[dict[str, Any]]) -> None:
    bad = copy.deepcopy(find(docs, "Deployment", "manancial-web"))
    del bad["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
    assert resource_problems([bad]) == ["manancial-web/web lacks limits"]


PROM_DIR = "/tmp/prom"  # noqa: S108 - the path the app expects, mounted as a per-pod emptyDir


def test_app_environment_and_secrets(docs: list[dict[str, Any]]) -> None:
    app = [d for d in docs if d["kind"] in {"Deployment", "Job"}]
    assert len(app) == 6
    for doc in app:
        pod = doc["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        env = {e["name"]: e.get("value") for e in c["env"]}
        assert env["DJANGO_SETTINGS_MODULE"] == "saas.settings.production"
        assert env["PYTHONPATH"] == "/app/platform:/app"
        assert env["PROMETHEUS_MULTIPROC_DIR"] == PROM_DIR
        # only the ingress (inside the VPC) may say who the client is (ADR 0013)
        assert env["TRUSTED_PROXIES"] == "10.40.0.0/16"
        assert c["envFrom"] == [{"secretRef": {"name": "manancial-env"}}]
        secret_names = {
            "DATABASE_URL",
            "BROKER_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "SENTRY_DSN",
            "METRICS_TOKEN",
            "FIELD_ENCRYPTION_KEYS",
        }
        assert not secret_names & set(env), "secrets must come from the Secret, not inline"
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes[mounts[PROM_DIR]]
        assert pod["securityContext"]["runAsNonRoot"] is True


def test_no_secret_objects_rendered(docs: list[dict[str, Any]]) -> None:
    assert not [d for d in docs if d["kind"] == "Secret"]


def test_service_monitor_scrapes_web_with_the_bearer_token(docs: list[dict[str, Any]]) -> None:
    sm = find(docs, "ServiceMonitor", "manancial")
    assert sm["apiVersion"] == "monitoring.coreos.com/v1"
    web, worker = sm["spec"]["endpoints"]
    assert (web["port"], web["path"]) == ("http", "/metrics")
    assert web["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": "manancial-env", "key": "METRICS_TOKEN"},
    }
    assert (worker["port"], worker["path"]) == ("metrics", "/metrics")


def test_pgbouncer_uses_session_pooling(helm: Any) -> None:
    docs = render(
        helm, overrides={"pgbouncer": {"enabled": True, "upstreamHost": "db.internal", "authSecret": "pgb"}}
    )
    ini = find(docs, "ConfigMap", "manancial-pgbouncer")["data"]["pgbouncer.ini"]
    modes = [line.split("=", 1)[1].strip() for line in ini.splitlines() if line.startswith("pool_mode")]
    assert modes == ["session"]
    assert "host=db.internal" in ini
    assert resource_problems(docs) == []
    assert not [d for d in render(helm) if "pgbouncer" in d["metadata"]["name"]]  # off by default
