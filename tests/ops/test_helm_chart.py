"""The Helm chart, rendered by Helm's own engine and checked against the Kubernetes API schemas.

Rendering uses helm-python-sdk: Helm's Go SDK (v4) built as a shared library and bound with ctypes,
so the chart goes through the real template engine (sprig functions, `required`, `fail`, hooks),
not an imitation. kubernetes-validate holds the JSON schemas of every Kubernetes release; strict
mode refuses unknown fields, so a misspelt or misplaced key fails here rather than in a cluster.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

helm = pytest.importorskip("helm_python")
kubernetes_validate = pytest.importorskip("kubernetes_validate")

CHART = Path(__file__).resolve().parents[2] / "helm" / "spotme"
# The oldest release the chart supports (Chart.yaml kubeVersion) and a recent one.
KUBERNETES_VERSIONS = ["1.27.0", "1.33.0"]
# The least a user must give when not using secrets.existingSecret (values.yaml, "REQUIRED").
MINIMAL = {
    "apexDomain": "spotme.example.gov.my",
    "config": {"trustedProxies": "10.244.0.0/16"},
    "image": {"repository": "registry.example.gov.my/jdn/spotme", "tag": "abc1234"},
    "secrets": {
        "secretKey": "k" * 64,
        "databaseUrl": "postgres://spotme:pw@postgres.example:5432/spotme",
        "redisUrl": "redis://redis.example:6379/0",
    },
}


def production_values() -> dict:
    return yaml.safe_load((CHART / "values-production.example.yaml").read_text())


@pytest.fixture(scope="module")
def chart():
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def render(chart, values: dict) -> list[dict]:
    files = chart.render(values, name="spotme", namespace="spotme", is_install=True)
    documents = []
    for name, text in sorted(files.items()):
        if name.endswith("NOTES.txt"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                doc["__file__"] = name
                documents.append(doc)
    return documents


def by_kind(documents: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [d for d in documents if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]


def validate(documents: list[dict]) -> None:
    for doc in documents:
        manifest = {k: v for k, v in doc.items() if k != "__file__"}
        if manifest["apiVersion"].startswith("monitoring.coreos.com/"):
            continue  # a CRD: no schema in the Kubernetes release; checked by hand below
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(manifest, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                path = "/".join(str(p) for p in exc.path)
                pytest.fail(
                    f"{doc['__file__']} ({doc['kind']}) invalid for {version} at {path}: {exc.message}"
                )


def test_chart_lints_clean():
    result = helm.lint(str(CHART))
    assert result["errors"] == [], result
    assert not [m for m in result["messages"] if m["severity"] >= 3], result  # no errors; infos ok


@pytest.mark.parametrize("values", ["minimal", "production"])
def test_chart_renders_valid_manifests(chart, values):
    documents = render(chart, MINIMAL if values == "minimal" else production_values())
    validate(documents)
    kinds = sorted(d["kind"] for d in documents)
    for kind in ("ConfigMap", "Deployment", "Ingress", "Job", "PodDisruptionBudget", "Service"):
        assert kind in kinds
    assert not [d for d in documents if d["kind"] in ("StatefulSet", "PersistentVolumeClaim")], (
        "no database or volume claim inside the chart"
    )


def test_minimal_values_render_the_whole_platform(chart):
    documents = render(chart, MINIMAL)
    deployments = {d["metadata"]["name"]: d for d in by_kind(documents, "Deployment")}
    assert set(deployments) == {"spotme-web", "spotme-worker", "spotme-beat"}

    web = deployments["spotme-web"]["spec"]
    assert "replicas" not in web, "the HPA owns the web replica count"
    container = web["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.gov.my/jdn/spotme:abc1234"
    assert container["args"] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/", "port": "http"}
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"http": 8000, "metrics": 9100}
    assert container["resources"]["requests"] and container["resources"]["limits"]

    worker = deployments["spotme-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"][:3] == ["celery", "--app=spotme", "worker"]
    assert "inspect ping" in " ".join(worker["livenessProbe"]["exec"]["command"])

    beat = deployments["spotme-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"] == {"type": "Recreate"}
    assert beat["template"]["spec"]["containers"][0]["args"][:3] == ["celery", "--app=spotme", "beat"]
    assert "--schedule=/tmp/celerybeat-schedule" in beat["template"]["spec"]["containers"][0]["args"]

    hpa = by_kind(documents, "HorizontalPodAutoscaler")[0]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "spotme-web" and hpa["minReplicas"] >= 2
    pdb = by_kind(documents, "PodDisruptionBudget", "spotme-web")[0]["spec"]
    assert pdb["selector"]["matchLabels"]["app.kubernetes.io/component"] == "web"


def test_every_pod_runs_unprivileged(chart):
    documents = render(chart, production_values())
    pods = [d["spec"]["template"]["spec"] for d in documents if d["kind"] in ("Deployment", "Job")]
    assert len(pods) == 4
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            sc = container["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"] == {"drop": ["ALL"]}
            assert any(m["mountPath"] == "/tmp" for m in container["volumeMounts"]), "writable /tmp"  # noqa: S108


def test_ingress_takes_apex_and_wildcard_with_tls(chart):
    ingress = by_kind(render(chart, production_values()), "Ingress")[0]["spec"]
    hosts = [rule["host"] for rule in ingress["rules"]]
    assert hosts == ["spotme.gov.my", "*.spotme.gov.my"]
    assert ingress["tls"] == [{"hosts": hosts, "secretName": "spotme-wildcard-tls"}]
    assert ingress["ingressClassName"] == "nginx"
    for rule in ingress["rules"]:
        backend = rule["http"]["paths"][0]["backend"]["service"]
        assert backend == {"name": "spotme-web", "port": {"name": "http"}}, "never the metrics port"


def test_migrations_run_as_a_hook_before_install_and_upgrade(chart):
    documents = render(chart, MINIMAL)
    job = by_kind(documents, "Job")[0]
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["python", "manage.py", "migrate_agencies"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # What the Job reads must exist before it: the ConfigMap and Secret are earlier hooks.
    for kind in ("ConfigMap", "Secret"):
        hook = by_kind(documents, kind)[0]["metadata"]["annotations"]
        assert hook["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert int(hook["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"])
    assert "serviceAccountName" not in job["spec"]["template"]["spec"], "the chart's SA does not exist yet"


def test_configuration_and_secrets(chart):
    documents = render(chart, MINIMAL)
    config = by_kind(documents, "ConfigMap")[0]["data"]
    assert config["SPOTME_APEX_DOMAIN"] == "spotme.example.gov.my"
    assert config["SPOTME_HTTPS"] == "1" and config["SPOTME_METRICS_PORT"] == "9100"
    assert config["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")  # noqa: S108
    secret = by_kind(documents, "Secret")[0]["stringData"]
    assert set(secret) == {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    assert not any("postgres://" in v for v in config.values()), "no secret in the ConfigMap"
    env = by_kind(documents, "Deployment", "spotme-web")[0]["spec"]["template"]["spec"]["containers"][0][
        "env"
    ]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env if "valueFrom" in e}
    assert refs["DATABASE_URL"] == {"name": "spotme", "key": "DATABASE_URL"}
    assert refs["SENTRY_DSN"]["optional"] is True
    # The key of the secrets stored encrypted reaches the pods (without it, one is derived from
    # SECRET_KEY, and rotating SECRET_KEY would make every stored secret unreadable).
    assert refs["SPOTME_FIELD_KEY"] == {"name": "spotme", "key": "SPOTME_FIELD_KEY", "optional": True}


def test_existing_secret_replaces_the_charts_secret(chart):
    documents = render(chart, production_values())
    assert not by_kind(documents, "Secret")
    for deployment in by_kind(documents, "Deployment"):
        for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]:
            if "valueFrom" in e:
                assert e["valueFrom"]["secretKeyRef"]["name"] == "spotme-secrets"
    annotations = by_kind(documents, "Deployment", "spotme-web")[0]["spec"]["template"]["metadata"][
        "annotations"
    ]
    assert "checksum/config" in annotations and "checksum/secret" not in annotations


def test_metrics_are_internal_and_scrapable(chart):
    documents = render(chart, production_values())
    service = by_kind(documents, "Service")[0]["spec"]
    assert {p["name"]: p["port"] for p in service["ports"]} == {"http": 80, "metrics": 9100}
    monitor = by_kind(documents, "ServiceMonitor")[0]
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]
    assert monitor["spec"]["selector"]["matchLabels"] == service["selector"]

    annotated = by_kind(render(chart, MINIMAL), "Deployment", "spotme-web")[0]["spec"]["template"]["metadata"]
    assert annotated["annotations"]["prometheus.io/scrape"] == "true"
    assert annotated["annotations"]["prometheus.io/port"] == "9100"


def test_media_claim_and_replica_settings(chart):
    values = copy.deepcopy(MINIMAL)
    values["media"] = {"existingClaim": "spotme-media"}
    values["web"] = {"autoscaling": {"enabled": False}, "replicas": 3}
    documents = render(chart, values)
    web = by_kind(documents, "Deployment", "spotme-web")[0]["spec"]
    assert web["replicas"] == 3
    assert not by_kind(documents, "HorizontalPodAutoscaler")
    volumes = {v["name"]: v for v in web["template"]["spec"]["volumes"]}
    assert volumes["media"] == {"name": "media", "persistentVolumeClaim": {"claimName": "spotme-media"}}


def _without(values: dict, dotted: str) -> dict:
    values = copy.deepcopy(values)
    *parents, leaf = dotted.split(".")
    node = values
    for key in parents:
        node = node[key]
    node[leaf] = ""
    return values


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("apexDomain", "apexDomain is required"),
        ("image.repository", "image.repository is required"),
        ("secrets.secretKey", "secrets.secretKey is required"),
        ("secrets.databaseUrl", "secrets.databaseUrl is required"),
        ("secrets.redisUrl", "secrets.redisUrl is required"),
    ],
)
def test_required_values_fail_clearly(chart, missing, message):
    with pytest.raises(helm.HelmError) as failure:
        chart.render(_without(MINIMAL, missing), name="spotme", namespace="spotme")
    assert message in str(failure.value)


def test_a_short_secret_key_is_refused(chart):
    values = copy.deepcopy(MINIMAL)
    values["secrets"]["secretKey"] = "too-short"
    with pytest.raises(helm.HelmError, match="at least 50 characters"):
        chart.render(values, name="spotme", namespace="spotme")


def test_the_validator_has_teeth():
    """Strict validation catches a misplaced key (so the tests above mean something)."""
    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"portz": []}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSIONS[0], strict=True)


def _backups(documents: list[dict], deployment: str) -> tuple[dict, dict]:
    pod = by_kind(documents, "Deployment", deployment)[0]["spec"]["template"]["spec"]
    volume = next(v for v in pod["volumes"] if v["name"] == "backups")
    mount = next(m for m in pod["containers"][0]["volumeMounts"] if m["name"] == "backups")
    return volume, mount


def test_exports_go_to_a_persistent_volume(chart):
    """Offboarding writes the only export of an agency to SPOTME_BACKUP_DIR: a mounted claim, never
    the memory-backed /tmp; without a claim the pods are told, and offboarding wants --output."""
    documents = render(chart, production_values())
    config = by_kind(documents, "ConfigMap")[0]["data"]
    assert config["SPOTME_BACKUP_DIR"] == "/data/backups"
    assert config["SPOTME_BACKUP_DIR_PERSISTENT"] == "1"
    for deployment in ("spotme-web", "spotme-worker"):
        volume, mount = _backups(documents, deployment)
        assert volume["persistentVolumeClaim"] == {"claimName": "spotme-backups"}
        assert mount["mountPath"] == config["SPOTME_BACKUP_DIR"]

    values = copy.deepcopy(MINIMAL)
    values["backups"] = {"createClaim": {"enabled": True, "size": "20Gi"}, "mountPath": "/exports"}
    documents = render(chart, values)
    validate(documents)
    (claim,) = by_kind(documents, "PersistentVolumeClaim")
    assert claim["metadata"]["name"] == "spotme-backups"
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
    volume, mount = _backups(documents, "spotme-web")
    assert volume["persistentVolumeClaim"] == {"claimName": "spotme-backups"}
    config = by_kind(documents, "ConfigMap")[0]["data"]
    assert mount["mountPath"] == "/exports" == config["SPOTME_BACKUP_DIR"]
    assert config["SPOTME_BACKUP_DIR_PERSISTENT"] == "1"

    documents = render(chart, MINIMAL)
    volume, _ = _backups(documents, "spotme-worker")
    assert volume == {"name": "backups", "emptyDir": {}}, "trials: on disk, never memory-backed"
    assert by_kind(documents, "ConfigMap")[0]["data"]["SPOTME_BACKUP_DIR_PERSISTENT"] == "0"

# --- NetworkPolicies (issue 17, item 6) ------------------------------------------------------------


def policies(documents) -> dict[str, dict]:
    return {d["metadata"]["name"]: d["spec"] for d in by_kind(documents, "NetworkPolicy")}


def egress_ports(spec) -> set[tuple[int, str]]:
    return {(p["port"], p["protocol"]) for rule in spec["egress"] for p in rule.get("ports", [])}


@pytest.mark.parametrize("values", ["minimal", "production"])
def test_network_policies_are_rendered_and_valid(chart, values):
    documents = render(chart, MINIMAL if values == "minimal" else production_values())
    found = policies(documents)
    validate(by_kind(documents, "NetworkPolicy"))
    assert set(found) == {"spotme-web", "spotme-worker", "spotme-no-ingress", "spotme-egress"}

    web = found["spotme-web"]
    assert web["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "web"
    assert web["policyTypes"] == ["Ingress"]
    from_ingress, from_scrapers = web["ingress"]
    assert from_ingress["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert from_ingress["from"][0]["namespaceSelector"]["matchLabels"] == {
        "kubernetes.io/metadata.name": "ingress-nginx"
    }
    assert from_scrapers["ports"] == [{"port": "metrics", "protocol": "TCP"}]

    worker = found["spotme-worker"]
    assert [rule["ports"] for rule in worker["ingress"]] == [[{"port": "metrics", "protocol": "TCP"}]]
    quiet = found["spotme-no-ingress"]
    assert quiet["ingress"] == [] and quiet["podSelector"]["matchExpressions"][0]["values"] == [
        "beat", "migrations"
    ]

    egress = found["spotme-egress"]
    assert egress["policyTypes"] == ["Egress"]
    assert "app.kubernetes.io/component" not in egress["podSelector"]["matchLabels"], "every pod"
    ports = egress_ports(egress)
    assert {(53, "UDP"), (53, "TCP"), (443, "TCP"), (587, "TCP")} <= ports
    assert (5432, "TCP") in ports
    assert ((6379, "TCP") if values == "minimal" else (6380, "TCP")) in ports
    [integrations] = [r for r in egress["egress"] if {"port": 443, "protocol": "TCP"} in r["ports"]
                      and r.get("to", [{}])[0].get("ipBlock", {}).get("cidr") == "0.0.0.0/0"]
    assert "10.0.0.0/8" in integrations["to"][0]["ipBlock"]["except"]
    if values == "production":
        postgres = next(r for r in egress["egress"] if {"port": 5432, "protocol": "TCP"} in r["ports"])
        assert postgres["to"] == [{"ipBlock": {"cidr": "10.10.20.5/32"}}]
        govnet = {"to": [{"ipBlock": {"cidr": "10.200.0.0/16"}}], "ports": [{"port": 443, "protocol": "TCP"}]}
        assert govnet in egress["egress"]


def test_network_policies_follow_the_values(chart):
    values = copy.deepcopy(MINIMAL)
    values["metrics"] = {"enabled": False}
    values["networkPolicy"] = {"metricsFrom": [], "egress": {"smtp": None}}
    found = policies(render(chart, values))
    assert len(found["spotme-web"]["ingress"]) == 1, "no metrics port to open"
    assert found["spotme-worker"]["ingress"] == []
    assert (587, "TCP") not in egress_ports(found["spotme-egress"])

    values["networkPolicy"] = {"enabled": False}
    assert policies(render(chart, values)) == {}
