"""docker/ and .env.example, checked without a Docker engine.

The image's own commands are run as they are written (CMD with the port moved to a free one
on 127.0.0.1, the HEALTHCHECK command, the compose file's `bot` command, the server without
a token), and the files are checked against each other: the settings class, the CLI's
parser, the build context filter, the Makefile's torch pin.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from chinam.cli import build_parser
from retrieval.service import Settings
from tests.conftest import ROOT
from tests.reliability.served import ADMIN_TOKEN, AUTH, free_port

DOCKER = ROOT / "docker"
ENV_EXAMPLE = ROOT / ".env.example"
CHINAM = Path(sys.executable).with_name("chinam")
# Variables of the compose files that are not settings of the application.
COMPOSE_ONLY = {
    "POSTGRES_PASSWORD", "CHINAM_MODEL_HOST_DIR", "CHINAM_MODEL_NAME", "CHINAM_ADMIN_PORT",
    "CHINAM_PUBLIC_HOST", "CHINAM_WEBHOOK_PATH",
}


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of docker/Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DOCKER / "Dockerfile").read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _one(name: str) -> str:
    (value,) = [rest for word, rest in _instructions() if word == name]
    return value


def _image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in _instructions():
        if word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def _env_file_keys(path: Path) -> tuple[dict[str, str], set[str]]:
    """(active assignments, every name mentioned, commented-out ones included)."""
    active: dict[str, str] = {}
    named: set[str] = set()
    for line in path.read_text().splitlines():
        if m := re.match(r"^\s*(#\s*)?([A-Z][A-Z0-9_]+)=(.*)$", line):
            named.add(m.group(2))
            if not m.group(1):
                active[m.group(2)] = m.group(3)
    return active, named


def _compose(name: str) -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")

    class Loader(yaml.SafeLoader):  # type: ignore[name-defined]
        pass

    Loader.add_constructor("!reset", lambda loader, node: None)
    return yaml.load((DOCKER / name).read_text(), Loader=Loader)


def _mount(volume: str) -> tuple[str, str]:
    """"src:/target[:ro]" -> (target, src); src may hold ${VAR:-default}."""
    spec = re.sub(r":(ro|rw)$", "", volume)
    source, _, target = spec.rpartition(":")
    return target, source


def _server_env(data_dir: Path, *, token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
    env.update(_image_env())
    env.update(CHINAM_DATA_DIR=str(data_dir), HF_HOME=str(data_dir / "hf"),
               PATH=f"{CHINAM.parent}{os.pathsep}{env.get('PATH', '')}")
    if token:
        env["CHINAM_ADMIN_TOKEN"] = token
    return env


def _serve_command(port: int) -> list[str]:
    cmd = [str(CHINAM), *json.loads(_one("CMD"))]
    cmd[cmd.index("--host") + 1] = "127.0.0.1"  # the image binds 0.0.0.0 inside its network
    cmd[cmd.index("--port") + 1] = str(port)
    return cmd


def _healthcheck(port: int, env: dict[str, str]) -> int:
    check = _one("HEALTHCHECK")
    command = check[check.index(" CMD ") + len(" CMD "):].replace(":8000/", f":{port}/")
    return subprocess.run(["/bin/sh", "-c", command], env=env, timeout=30,
                          capture_output=True).returncode


def test_dockerfile_is_consistent_with_the_repository() -> None:
    assert json.loads(_one("ENTRYPOINT")) == ["chinam"]
    assert _one("USER") not in ("root", "0")
    copies = [rest.split()[0] for word, rest in _instructions() if word == "COPY"]
    for source in copies:
        assert (ROOT / source).exists(), source
    ignore = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    for source in [*copies, "docker/models"]:
        assert f"!{source.rstrip('/')}/" in ignore or f"!{source}" in ignore, source
    packages = re.search(r"include = \[(.*?)\]", (ROOT / "pyproject.toml").read_text())
    assert packages is not None
    for package in ("corpus", "retrieval", "bot", "admin", "chinam"):
        assert package in copies and f'"{package}*"' in packages.group(1)
    torch_arg = re.search(r'ARG TORCH_SPEC="([^"]+)"', (DOCKER / "Dockerfile").read_text())
    make_pin = re.search(r"TORCH_SPEC \?= (\S+)", (ROOT / "Makefile").read_text())
    assert torch_arg and make_pin and torch_arg.group(1) == make_pin.group(1)
    env = _image_env()
    assert env["CHINAM_EMBEDDING_MODEL"].startswith("/models/")
    assert env["OMP_NUM_THREADS"] == "1" and env["HF_HUB_OFFLINE"] == "1"


@pytest.mark.slow
def test_image_command_serves_and_its_healthcheck_passes(tmp_path: Path) -> None:
    port = free_port()
    env = _server_env(tmp_path / "data", token=ADMIN_TOKEN)
    assert _healthcheck(port, env) != 0, "the health check must fail while nothing listens"
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(_serve_command(port), cwd=tmp_path, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while _healthcheck(port, env) != 0:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "HEALTHCHECK never passed"
            time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        while (ready := httpx.get(f"{base}/readyz", headers=AUTH, timeout=10)).status_code != 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.3)
        # /models/... does not exist here: the image still serves, lexical-only, and says so.
        assert ready.json()["mode"] == "lexical"
        proc.send_signal(signal.SIGTERM)  # what `docker stop` sends
        # uvicorn shuts down gracefully, then re-raises the signal it caught (exit 143 in Docker)
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    assert "Application shutdown complete" in (tmp_path / "serve.log").read_text()


def test_image_command_refuses_to_serve_without_a_token(tmp_path: Path) -> None:
    env = _server_env(tmp_path / "data", token=None)
    done = subprocess.run(_serve_command(free_port()), cwd=tmp_path, env=env, timeout=60,
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_compose_bot_command_without_a_token_explains(tmp_path: Path) -> None:
    command = _compose("compose.yaml")["services"]["bot"]["command"]
    active, _ = _env_file_keys(ENV_EXAMPLE)
    env = _server_env(tmp_path / "data", token=None)
    env.update({k: v for k, v in active.items() if k.startswith("CHINAM_")})
    env.update(CHINAM_DATA_DIR=str(tmp_path / "data"), CHINAM_EMBEDDING_MODEL="")
    done = subprocess.run([str(CHINAM), *command], cwd=tmp_path, env=env, timeout=60,
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "CHINAM_TELEGRAM_TOKEN" in done.stderr and "Traceback" not in done.stderr


def test_env_example_names_only_real_settings(tmp_path: Path) -> None:
    active, named = _env_file_keys(ENV_EXAMPLE)
    fields = {f"CHINAM_{name.upper()}" for name in Settings.model_fields}
    unknown = {k for k in named if k not in fields and k not in COMPOSE_ONLY}
    assert unknown == set()
    settings = Settings(_env_file=ENV_EXAMPLE)  # type: ignore[call-arg]
    assert settings.admin_token is None or not settings.admin_token.get_secret_value()
    assert "POSTGRES_PASSWORD" in active


def test_compose_files_agree_with_settings_cli_and_each_other() -> None:
    compose = _compose("compose.yaml")
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "admin", "bot"}
    fields = {f"CHINAM_{name.upper()}" for name in Settings.model_fields}
    parser = build_parser()
    pg_env = services["postgres"]["environment"]
    for name in ("migrate", "admin", "bot"):
        service = services[name]
        parser.parse_args(service["command"])  # a real `chinam` command
        env = service["environment"]
        assert set(env) <= fields, set(env) - fields
        url = urlsplit(env["CHINAM_DATABASE_URL"])
        assert url.scheme == "postgresql+psycopg" and url.hostname == "postgres"
        assert url.path == f"/{pg_env['POSTGRES_DB']}" and url.username == pg_env["POSTGRES_USER"]
        assert "connect_timeout=" in url.query
        mounts = dict(_mount(v) for v in service["volumes"])
        assert mounts["/data"] in compose["volumes"]
        if name == "migrate":
            assert service["restart"] == "no"
            continue
        assert env["CHINAM_EMBEDDING_MODEL"].startswith("/models/") and "/models" in mounts
        assert service["restart"] == "unless-stopped"
        # the schema is upgraded once, before either starts (both refuse an outdated one)
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["admin"]["ports"][0].startswith("127.0.0.1:")
    scale = _compose("compose.scale.yaml")
    caddyfile = (DOCKER / "Caddyfile").read_text()
    assert "name admin" in caddyfile and "port 8000" in caddyfile
    webhook_port = Settings.model_fields["telegram_webhook_port"].default
    assert f"port {webhook_port}" in caddyfile and scale["services"]["bot"]["expose"] == [
        str(webhook_port)]
    text = "".join((DOCKER / n).read_text() for n in ("compose.yaml", "compose.scale.yaml"))
    _, documented = _env_file_keys(ENV_EXAMPLE)
    used = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    assert used - documented <= {"CHINAM_WEBHOOK_PATH"}, used - documented
