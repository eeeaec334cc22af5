"""docker-compose.yml and the Dockerfile, checked against the code (no Docker engine here)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from typer.main import get_command

from hotline.settings import Settings
from hotline.temporal import REPORTED_PROBLEMS_AFTER, reported_problems_arguments
from startup.cli import app

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_every_dependency_is_a_defined_service() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", []):
            assert dependency in services, f"{name} depends on unknown service {dependency}"


def test_hotline_services_run_real_cli_commands() -> None:
    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    for name, service in compose()["services"].items():
        if "build" in service:
            command = service["command"]
            assert command[0] == "hotline", name
            assert command[1] in commands, f"{name} runs unknown command {command[1]}"


def test_environment_names_are_settings_the_code_reads() -> None:
    known = {f"HOTLINE_{field.upper()}" for field in Settings.model_fields} | {"DATABASE_URL"}
    for name, service in compose()["services"].items():
        if "build" not in service:
            continue
        for variable in service["environment"]:
            assert variable in known, f"{name} sets {variable}, which no setting reads"


def test_read_model_uses_postgres_through_asyncpg() -> None:
    environment = compose()["services"]["worker"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert environment["HOTLINE_TEMPORAL_ADDRESS"] == "temporal:7233"


def test_the_cluster_marks_failing_workflow_tasks_as_the_dev_server_does() -> None:
    """`hotline doctor` finds failing tickets by the server's TemporalReportedProblems."""
    configured = yaml.safe_load((ROOT / "startup" / "temporal-dynamic-config.yaml").read_text())
    key = "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute"
    assert configured[key] == [{"value": REPORTED_PROBLEMS_AFTER}]
    assert reported_problems_arguments()[1] == f"{key}={REPORTED_PROBLEMS_AFTER}"


def test_dockerfile_copies_paths_that_exist() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"COPY (.+) \S+$", line)
        if match:
            for source in match.group(1).split():
                assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_the_image_carries_every_package_the_project_installs() -> None:
    """A package left out of the image installs nothing and fails at the first import."""
    copied = {
        source.rstrip("/")
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if (match := re.match(r"COPY (.+) \S+$", line))
        for source in match.group(1).split()
    }
    included = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = {name.rstrip("*") for name in included["packages"]["find"]["include"]}
    modules = {f"{name}.py" for name in included["py-modules"]}
    assert packages | modules <= copied, (packages | modules) - copied


def test_two_workers_and_two_api_replicas_behind_the_proxy() -> None:
    services = compose()["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["api"]["deploy"]["replicas"] == 2
    assert "ports" not in services["api"]  # reached through the proxy only
    config = compose()["configs"]["proxy-config"]["content"]
    assert "server api:8000;" in config
    assert services["proxy"]["ports"] == ["8000:8000"]
    assert services["proxy"]["configs"][0]["source"] == "proxy-config"


def test_temporal_runs_on_postgres_and_the_ui_decodes_through_the_api() -> None:
    services = compose()["services"]
    temporal = services["temporal"]["environment"]
    assert temporal["DB"].startswith("postgres") and temporal["POSTGRES_SEEDS"] == "postgres"
    assert int(temporal["NUM_HISTORY_SHARDS"]) >= 512
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith(":8000/codec")  # the proxy's port
    assert ui["TEMPORAL_CORS_ORIGINS"] == services["worker"]["environment"]["HOTLINE_UI_ADDRESS"]
    assert services["worker"]["depends_on"]["temporal"]["condition"] == "service_healthy"


def test_the_cluster_turns_on_the_matcher_that_honours_priority() -> None:
    temporal = compose()["services"]["temporal"]
    (mount,) = temporal["volumes"]
    source, target, _ = mount.split(":")
    assert target.endswith(temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"])
    config = yaml.safe_load((ROOT / source).read_text())
    assert config["matching.useNewMatcher"][0]["value"] is True
    assert config["matching.enableFairness"][0]["value"] is True
    queue = Settings().task_queue
    partitioned = config["matching.numTaskqueueReadPartitions"][0]["constraints"]
    assert partitioned["taskQueueName"] == queue
