"""scripts/backup.sh and scripts/restore.sh (`make backup`, `make restore`): a backup of the demo,
restored into a fresh database, holds every row of every table and every uploaded file, and the
scripts refuse what they cannot do safely.

The round trip needs PostgreSQL and its client tools: it builds its own source database
(`migrate` and `seed_demo` in a subprocess, so every row is committed and pg_dump sees it),
restores into databases of its own beside it, and drops them all at the end."""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import yaml
from psycopg import sql

from accounts.models import User
from funding.models import Grant, Payment
from leadership.models import Participation

BASE_DIR = Path(__file__).resolve().parent.parent
BACKUP = BASE_DIR / "scripts" / "backup.sh"
RESTORE = BASE_DIR / "scripts" / "restore.sh"
#: A PostgreSQL address nothing answers at: the refusals must come before any connection.
NOWHERE = "postgres://plp@127.0.0.1:9/plp_nowhere"

_server_url = os.environ.get("DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not _server_url.startswith(("postgres://", "postgresql://"))
    or not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")),
    reason="the round trip needs DATABASE_URL on PostgreSQL and pg_dump, pg_restore and psql",
)


def _environment(**variables: str) -> dict[str, str]:
    """The test process's environment without the settings' mode switches (the scripts and the
    management commands read only what each test gives them)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DEBUG", "PLP_TODAY")
        and not name.startswith("DJANGO_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(variables)
    return env


def _run(args: list, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=BASE_DIR,
        env=_environment(**variables),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _database_url(name: str) -> str:
    url = urlsplit(_server_url)
    return urlunsplit((url.scheme, url.netloc, f"/{name}", url.query, ""))


def _connect(name: str) -> psycopg.Connection:
    return psycopg.connect(_database_url(name), autocommit=True)


class Databases:
    """Databases made for this module on the test server, dropped at the end."""

    def __init__(self):
        self.prefix = f"{urlsplit(_server_url).path.lstrip('/')}_backup_{os.getpid()}"
        self.made: list[str] = []

    def create(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}"[:63]
        with _connect("postgres") as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.made.append(name)
        return name

    def drop_all(self):
        with _connect("postgres") as connection:
            for name in self.made:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture(scope="module")
def databases():
    made = Databases()
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def source(databases, tmp_path_factory):
    """The demo (`migrate`, then `seed_demo`) in a database of its own, with its uploaded
    evidence in a media directory of its own."""
    name = databases.create("source")
    media = tmp_path_factory.mktemp("source-media")
    variables = {
        "DATABASE_URL": _database_url(name),
        "MEDIA_ROOT": str(media),
        "PLP_TODAY": "2004-11-26",
    }
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = _run([sys.executable, "manage.py", *command], **variables)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return {"name": name, "media": media, **variables}


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory):
    result = _run(
        [BACKUP, tmp_path_factory.mktemp("backups")],
        DATABASE_URL=source["DATABASE_URL"],
        MEDIA_ROOT=source["MEDIA_ROOT"],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def _restore(backup_dir: Path, database: str, media: Path) -> subprocess.CompletedProcess:
    return _run(
        [RESTORE, "--yes", backup_dir],
        DATABASE_URL=_database_url(database),
        MEDIA_ROOT=str(media),
    )


def _snapshot(database: str) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its number of rows and a digest of all its rows."""
    with _connect(database) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        found = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                "FROM {} AS t"
            ).format(sql.Identifier(table))
            count, digest = connection.execute(query).fetchone()
            found[table] = (count, digest)
        return found


def _sequences(database: str) -> dict[str, int]:
    """The next id each table would take: a restore that lost them would refuse new rows."""
    with _connect(database) as connection:
        return dict(
            connection.execute(
                "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
                "WHERE schemaname = 'public'"
            ).fetchall()
        )


def _money(database: str) -> tuple:
    with _connect(database) as connection:
        return tuple(
            connection.execute(
                sql.SQL("SELECT sum(total) FROM {}").format(sql.Identifier(Grant._meta.db_table))
            ).fetchone()
            + connection.execute(
                sql.SQL("SELECT sum(amount) FROM {}").format(sql.Identifier(Payment._meta.db_table))
            ).fetchone()
        )


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def restored(backup, databases, tmp_path_factory):
    """The backup restored into a fresh, empty database and an empty media directory."""
    target = databases.create("fresh")
    media = tmp_path_factory.mktemp("restored-media") / "media"
    result = _restore(backup, target, media)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"name": target, "media": media}


@needs_postgres
def test_a_backup_restored_into_a_fresh_database_has_every_row_and_every_file(source, restored):
    before, after = _snapshot(source["name"]), _snapshot(restored["name"])

    assert after == before
    # The demo is there: people, places and money, not just empty tables.
    for model in (User, Participation, Grant, Payment):
        assert before[model._meta.db_table][0] > 0, model.__name__
    assert len(before) > 50
    grants, payments = _money(restored["name"])
    assert (grants, payments) == _money(source["name"])
    assert grants > 0
    assert payments > 0
    assert _sequences(restored["name"]) == _sequences(source["name"])
    assert _files(restored["media"]) == _files(source["media"])
    assert any(name.endswith(".pdf") for name in _files(restored["media"]))


@needs_postgres
def test_the_restored_database_needs_no_migration(restored):
    result = _run(
        [sys.executable, "manage.py", "migrate", "--check"],
        DATABASE_URL=_database_url(restored["name"]),
    )

    assert result.returncode == 0, result.stdout + result.stderr


@needs_postgres
def test_restoring_over_a_database_that_has_changed_puts_back_exactly_the_backup(
    source, backup, databases, tmp_path
):
    target = databases.create("changed")
    media = tmp_path / "media"
    assert _restore(backup, target, media).returncode == 0
    with _connect(target) as connection:
        connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(Payment._meta.db_table)))
        connection.execute(
            sql.SQL("UPDATE {} SET last_login = now()").format(sql.Identifier(User._meta.db_table))
        )
    (media / "uploaded-after-the-backup.pdf").write_bytes(b"%PDF-1.4 later")

    result = _restore(backup, target, media)

    assert result.returncode == 0, result.stdout + result.stderr
    assert _snapshot(target) == _snapshot(source["name"])
    assert "1 file(s)" in result.stdout
    assert "were left in place" in result.stdout
    assert (media / "uploaded-after-the-backup.pdf").exists()


@needs_postgres
def test_backup_refuses_a_pg_dump_older_than_the_server(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    (fake_bin / "pg_dump").chmod(0o755)

    result = _run(
        [BACKUP, tmp_path / "backups"],
        DATABASE_URL=_database_url("postgres"),
        PATH=f"{fake_bin}:{os.environ['PATH']}",
    )

    assert result.returncode == 2
    assert "pg_dump is version 9 but the server is PostgreSQL" in result.stderr
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("script", [BACKUP, RESTORE], ids=["backup", "restore"])
@pytest.mark.parametrize(
    "database_url", [None, "sqlite:////tmp/plp.sqlite3"], ids=["unset", "sqlite"]
)
def test_the_scripts_refuse_sqlite_with_a_plain_message(script, database_url, tmp_path):
    fake_backup = _fake_backup(tmp_path)
    variables = {"DATABASE_URL": database_url} if database_url else {}
    args = [script, tmp_path / "out"] if script == BACKUP else [script, "--yes", fake_backup]

    result = _run(args, **variables)

    assert result.returncode == 2
    assert "need PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def _fake_backup(tmp_path: Path) -> Path:
    backup_dir = tmp_path / "plp-20041126T000000Z"
    backup_dir.mkdir()
    (backup_dir / "database.dump").write_bytes(b"PGDMP not really")
    subprocess.run(
        ["tar", "-czf", str(backup_dir / "media.tar.gz"), "--files-from=/dev/null"], check=True
    )
    sums = subprocess.run(
        ["sha256sum", "database.dump", "media.tar.gz"],
        cwd=backup_dir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (backup_dir / "SHA256SUMS").write_text(sums)
    return backup_dir


def test_restore_refuses_a_damaged_backup_before_it_touches_the_database(tmp_path):
    backup_dir = _fake_backup(tmp_path)
    with (backup_dir / "database.dump").open("ab") as dump:
        dump.write(b"one more byte")

    result = _run([RESTORE, "--yes", backup_dir], DATABASE_URL=NOWHERE)

    assert result.returncode == 2
    assert "damaged or incomplete" in result.stderr
    assert "nothing was restored" in result.stderr
    assert "cannot connect" not in result.stderr


def test_restore_asks_for_confirmation_and_refuses_without_it_when_nobody_can_answer(tmp_path):
    result = _run([RESTORE, _fake_backup(tmp_path)], DATABASE_URL=NOWHERE)

    assert result.returncode == 2
    assert "run again with --yes" in result.stderr


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    result = _run([RESTORE, "--yes", tmp_path], DATABASE_URL=NOWHERE)

    assert result.returncode == 2
    assert "is not a backup made by scripts/backup.sh" in result.stderr


@pytest.mark.parametrize(
    ("database_url", "uri", "password"),
    [
        (
            "postgres://plp:p%40ss:w0rd@db.example.org:5433/plp?sslmode=require",
            "postgresql://plp@db.example.org:5433/plp?sslmode=require",
            "p@ss:w0rd",
        ),
        ("psql://plp@db/plp", "postgresql://plp@db/plp", ""),
        ("postgresql://db.example.org/plp", "postgresql://db.example.org/plp", ""),
    ],
    ids=["password", "psql-scheme", "no-user"],
)
def test_the_password_goes_to_the_client_tools_in_the_environment_not_the_command_line(
    database_url, uri, password
):
    script = (
        f"PROJECT_DIR={BASE_DIR}; source scripts/database-url.sh; database_from_url; "
        'printf "%s\\n%s\\n%s" "$PG_URL" "$DATABASE_NAME" "${PGPASSWORD:-}"'
    )

    result = _run(["bash", "-c", script], DATABASE_URL=database_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n") == [uri, "plp", password]


def test_the_compose_backup_commands_in_the_docs_name_the_compose_database_and_media():
    """docs/operations.md tells compose users to back up through `docker compose exec`: the
    user, database and media path it names must be the compose file's."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    database = compose["services"]["db"]["environment"]
    media_root = compose["x-app"]["environment"]["MEDIA_ROOT"]
    docs = (BASE_DIR / "docs" / "operations.md").read_text()
    commands = [line.strip() for line in docs.splitlines() if "docker compose exec" in line]

    assert any("pg_dump" in command for command in commands)
    assert any("pg_restore" in command for command in commands)
    assert any(f"tar -C {media_root}" in command for command in commands)
    for command in commands:
        if " db pg_" in command:
            assert f"-U {database['POSTGRES_USER']}" in command, command
            assert f"-d {database['POSTGRES_DB']}" in command, command
