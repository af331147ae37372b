#!/usr/bin/env bash
# Back up PLP Admin: the PostgreSQL database named by DATABASE_URL and the uploaded and generated
# files under MEDIA_ROOT (expenditure-return evidence, recruitment letters, report PDFs).
#
#   scripts/backup.sh [DIRECTORY]        (make backup; DIRECTORY defaults to backups/)
#
# Writes DIRECTORY/plp-<UTC time>/ with
#   database.dump   pg_dump --format=custom: a consistent snapshot, taken while the site runs
#   media.tar.gz    MEDIA_ROOT, read after the snapshot (so every file the snapshot names is in it)
#   SHA256SUMS      checked by scripts/restore.sh before it changes anything
# and prints that directory's path last. The files hold personal data: they are readable by their
# owner only; keep the copies somewhere as safe as the database. docs/operations.md has more.
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/database-url.sh
source "$PROJECT_DIR/scripts/database-url.sh"

[[ $# -le 1 ]] || fail "usage: scripts/backup.sh [DIRECTORY]"
database_from_url
check_client_version pg_dump
MEDIA=$(media_root)

umask 077
target="${1:-$PROJECT_DIR/backups}/plp-$(date -u +%Y%m%dT%H%M%SZ)"
[[ ! -e "$target" ]] || fail "$target already exists."
mkdir -p "$target"
partial=$target
trap '[[ -z "$partial" ]] || rm -rf "$partial"' EXIT

echo "Dumping the database $DATABASE_NAME..."
pg_dump --dbname="$PG_URL" --format=custom --no-password --file="$target/database.dump"
# An archive pg_restore cannot list would not restore either.
pg_restore --list "$target/database.dump" >/dev/null

echo "Archiving the files in $MEDIA..."
if [[ -d "$MEDIA" ]]; then
    # GNU tar's status 1: a file changed while it was read (a report PDF being written), which a
    # running site may do; the file is kept as it was read, and the backup goes on.
    status=0
    tar -C "$MEDIA" -czf "$target/media.tar.gz" . || status=$?
    ((status <= 1)) || exit "$status"
else
    echo "  (no such directory: the backup holds no files)"
    tar -czf "$target/media.tar.gz" --files-from=/dev/null
fi

(cd "$target" && sha256sum database.dump media.tar.gz >SHA256SUMS)
partial=
echo "Backup written ($(du -sh "$target" | cut -f1)):"
echo "$target"
