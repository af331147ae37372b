"""docker-compose.yml and the Dockerfile point at code and files that exist, and wire every
setting production insists on. (There is no Docker engine in CI: this reads the files.)"""

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.beat import Scheduler
from kombu.utils.imports import symbol_by_name

BASE_DIR = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
#: The variables config/settings.py requires when DJANGO_ENV=production.
PRODUCTION_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::?[-?](?P<default>(?:[^${}]|\$\{[^}]*\})*))?\}")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile():
    return (BASE_DIR / "Dockerfile").read_text()


def _command(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _option(command: list[str], name: str) -> str:
    """The value of `--name value`, `--name=value` or `-A value` in a command line."""
    for i, part in enumerate(command):
        if part == name:
            return command[i + 1]
        if part.startswith(f"{name}="):
            return part.split("=", 1)[1]
    raise AssertionError(f"{name} is not in {command}")


def _default(value: str) -> str:
    """A compose value with each ${VAR:-default} replaced by its default, innermost first."""
    previous = None
    while previous != value:
        previous, value = value, INTERPOLATION.sub(lambda m: m["default"] or "", value)
    return value


def test_compose_runs_the_web_server_worker_beat_database_and_broker(services):
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_the_web_server_serves_the_projects_wsgi_application(services):
    command = _command(services["web"])
    module_name, _, attribute = next(part for part in command if ":application" in part).partition(
        ":"
    )

    assert command[0] == "gunicorn"
    assert module_name == "config.wsgi"
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize("service_name", ["worker", "beat"])
def test_the_worker_and_beat_load_the_projects_celery_app(services, service_name):
    command = _command(services[service_name])

    assert command[:1] == ["celery"]
    assert service_name in command
    found = find_app(_option(command, "-A"))
    assert isinstance(found, Celery)
    assert found is importlib.import_module("config.celery").app


def test_beat_keeps_its_schedule_in_the_database(services):
    scheduler = _option(_command(services["beat"]), "--scheduler")

    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert issubclass(symbol_by_name(scheduler), Scheduler)


def test_a_one_off_step_migrates_before_the_app_services_start(services):
    assert _command(services["migrate"])[-3:] == ["manage.py", "migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully", name


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_each_app_service_has_the_production_settings_wired(services, service_name):
    environment = services[service_name]["environment"]

    assert environment["DJANGO_ENV"] == "production"
    for name in PRODUCTION_VARIABLES:
        assert environment.get(name), f"{service_name} lacks {name}"
    assert "@db:5432/" in _default(environment["DATABASE_URL"])
    assert _default(environment["REDIS_URL"]).startswith("redis://redis:6379/")
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), "no default secret key"


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_each_app_service_waits_for_a_healthy_database_and_broker(services, service_name):
    needs = services[service_name]["depends_on"]

    for dependency in ("db", "redis"):
        assert needs[dependency]["condition"] == "service_healthy"
        assert services[dependency]["healthcheck"]["test"]


def test_the_database_and_broker_keep_their_data_in_volumes(compose, services):
    for name, path in (("db", "/var/lib/postgresql/data"), ("redis", "/data")):
        volume = next(v for v in services[name]["volumes"] if v.endswith(f":{path}"))
        assert volume.split(":")[0] in compose["volumes"]


def test_env_example_documents_every_variable_the_compose_file_reads():
    compose_text = (BASE_DIR / "docker-compose.yml").read_text()
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (BASE_DIR / ".env.example").read_text(), re.M)
    )

    read = {match["name"] for match in re.finditer(r"\$\{(?P<name>\w+)", compose_text)}
    assert read
    assert read <= documented


def test_the_dockerfile_builds_on_python_311_with_the_locked_requirements(dockerfile):
    requirements = re.findall(r"pip install .*-r (\S+)", dockerfile)

    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    assert requirements == ["requirements/base.txt"]
    assert (BASE_DIR / requirements[0]).is_file()
    assert "npm run build" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile


def test_every_file_the_dockerfile_copies_from_the_project_exists(dockerfile):
    sources = []
    for line in dockerfile.splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
            sources += words[1:-1]

    assert sources
    missing = [source for source in sources if not (BASE_DIR / source).exists()]
    assert missing == []


@pytest.mark.skipif(
    not (BASE_DIR / "node_modules" / "govuk-frontend").is_dir(),
    reason="needs the npm packages: run `make install`",
)
def test_collectstatic_succeeds_with_the_production_settings(tmp_path):
    """The Dockerfile's collectstatic step: production storage hashes every file and rewrites
    the URLs in the stylesheets, and fails if one points at a file that does not exist."""
    script = (
        "import django; from django.conf import settings; django.setup(); "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "collectstatic-only-not-a-secret",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "sqlite:////tmp/collectstatic.sqlite3",
        "REDIS_URL": "redis://localhost:6379/0",
    }
    env.pop("DEBUG", None)

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").is_file()
    assert list(tmp_path.glob("dist/app.*.css"))
