# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run): reads DATABASE_URL the
# way config/settings.py does and hands it to the PostgreSQL client tools.
#
# After `database_from_url`, PG_URL is a libpq connection URI without the password (so that the
# password never appears in the process list) and PGPASSWORD holds the password, if any;
# DATABASE_NAME is the database's name, for messages.

fail() {
    echo "$(basename "$0"): $*" >&2
    exit 2
}

database_from_url() {
    local url=${DATABASE_URL:-}
    case "$url" in
        "")
            fail "DATABASE_URL is not set, so the site is on SQLite (db.sqlite3). Backups and" \
                "restores here need PostgreSQL; for a SQLite trial, stop the site and copy" \
                "db.sqlite3 and media/ instead."
            ;;
        sqlite:*)
            fail "DATABASE_URL points at SQLite ($url). Backups and restores here need" \
                "PostgreSQL; for a SQLite trial, stop the site and copy the database file and" \
                "media/ instead."
            ;;
        postgres://* | postgresql://* | pgsql://* | psql://*) ;;
        *) fail "DATABASE_URL is not a PostgreSQL address (postgres://user:password@host:5432/name)." ;;
    esac
    local parts
    # django-environ's other spellings of the scheme, and the password out of the URI.
    parts=$(python3 - "$url" <<'PY'
import sys
from urllib.parse import unquote, urlsplit, urlunsplit

url = urlsplit(sys.argv[1])
host = url.netloc.rpartition("@")[2]
user = url.username or ""
netloc = f"{user}@{host}" if user else host
print(urlunsplit(("postgresql", netloc, url.path, url.query, "")))
print(unquote(url.path.lstrip("/")))
print(unquote(url.password or ""), end="")
PY
    ) || fail "DATABASE_URL could not be read."
    PG_URL=$(sed -n 1p <<<"$parts")
    DATABASE_NAME=$(sed -n 2p <<<"$parts")
    local password
    password=$(sed -n '3,$p' <<<"$parts")
    [[ -n "$DATABASE_NAME" ]] || fail "DATABASE_URL names no database."
    if [[ -n "$password" ]]; then
        export PGPASSWORD=$password
    fi
}

# Fails unless the client tools are at least as new as the server: pg_dump cannot dump a newer
# server, and an older pg_restore cannot read a newer pg_dump's archive.
check_client_version() {
    local tool=$1 server client
    command -v "$tool" >/dev/null ||
        fail "$tool is not installed: install the PostgreSQL client (apt-get install postgresql-client)."
    server=$(psql --dbname="$PG_URL" -v ON_ERROR_STOP=1 -qAt -c "SHOW server_version_num") ||
        fail "cannot connect to the database $DATABASE_NAME (DATABASE_URL)."
    server=$((server / 10000))
    client=$("$tool" --version | grep -oE '[0-9]+' | head -n 1)
    if ((client < server)); then
        fail "$tool is version $client but the server is PostgreSQL $server: install" \
            "postgresql-client-$server (or newer) and try again."
    fi
}

# MEDIA_ROOT as config/settings.py reads it: the variable, or media/ beside the code.
media_root() {
    local root=${MEDIA_ROOT:-"$PROJECT_DIR/media"}
    echo "${root%/}"
}
