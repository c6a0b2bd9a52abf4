"""Production settings pass ``manage.py check --deploy`` with no warning: the environment that
docker-compose.yml gives its containers, and the one ``make deploy-check`` uses. The zero-setup
defaults (``make run``, the tests) are not production and the check says so."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHECK = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
# ${NAME}, ${NAME:-default} and ${NAME:?error}, as docker compose interpolates them.
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?::(?P<kind>[-?])(?P<default>[^}]*))?\}")


def base_environment() -> dict[str, str]:
    """This process's environment without any Django or portal setting, so only what a test
    passes counts."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "SSL_CERT_FILE")
    return {name: os.environ[name] for name in kept if name in os.environ}


def compose_environment(secret_key: str) -> dict[str, str]:
    """The web container's environment as docker-compose.yml sets it, with only the secret key
    (which the file demands) supplied from outside."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    supplied = {"DJANGO_SECRET_KEY": secret_key}

    def resolve(value: object) -> str:
        def one(match: re.Match) -> str:
            name, kind, default = match["name"], match["kind"], match["default"] or ""
            if name in supplied:
                return supplied[name]
            assert kind != "?", f"docker-compose.yml requires {name}"
            return default if kind == "-" else ""

        return VARIABLE.sub(one, str(value))

    return {name: resolve(value) for name, value in services["web"]["environment"].items()}


def run_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {**base_environment(), **environment}
    return subprocess.run(CHECK, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


def test_the_settings_docker_compose_gives_the_containers_pass_check_deploy():
    environment = compose_environment(secrets.token_urlsafe(50))
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "1"  # the file sets production, not a demo
    done = run_check(environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_makefile_production_environment_passes_check_deploy():
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^PRODUCTION_ENV := (.*?)\n\n", makefile, re.S | re.M)
    assert block, "Makefile defines PRODUCTION_ENV"
    pairs = dict(item.split("=", 1) for item in block[1].replace("\\\n", " ").split())
    done = run_check({**pairs, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_development_defaults_are_flagged():
    done = run_check({})
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012", "security.W016"):
        assert warning in done.stderr, done.stderr


def test_a_weak_secret_key_is_flagged_even_with_everything_else_set():
    done = run_check(compose_environment("too-short"))
    assert done.returncode != 0
    assert "security.W009" in done.stderr
