#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database named by DATABASE_URL and into
# MEDIA_ROOT. What the backup holds replaces what is there: stop the web server, the worker and
# beat first.
#
#   scripts/restore.sh [--yes] BACKUP_DIRECTORY     (make restore BACKUP=backups/plp-...)
#
# Checks SHA256SUMS before it changes anything, asks for the database's name to confirm unless
# --yes is given, then restores the database in one transaction (pg_restore --clean --if-exists
# --no-owner --no-privileges --single-transaction: either all of the backup or none of it, into an
# empty database or over an existing one) and unpacks the files over MEDIA_ROOT. Files in
# MEDIA_ROOT that the backup does not hold are left in place and counted.
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/database-url.sh
source "$PROJECT_DIR/scripts/database-url.sh"

confirmed=false
if [[ "${1:-}" == "--yes" ]]; then
    confirmed=true
    shift
fi
[[ $# -eq 1 && -n "$1" ]] || fail "usage: scripts/restore.sh [--yes] BACKUP_DIRECTORY"
backup=${1%/}
[[ -f "$backup/SHA256SUMS" ]] ||
    fail "$backup is not a backup made by scripts/backup.sh (no SHA256SUMS in it)."
database_from_url

echo "Checking the backup's files..."
(cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS) ||
    fail "$backup is damaged or incomplete (SHA256SUMS does not match): nothing was restored."
for name in database.dump media.tar.gz; do
    grep -q " $name\$" "$backup/SHA256SUMS" || fail "$backup/SHA256SUMS does not cover $name."
done
MEDIA=$(media_root)

if ! $confirmed; then
    [[ -t 0 ]] || fail "restoring replaces the database $DATABASE_NAME: run again with --yes."
    echo "This replaces everything in the database $DATABASE_NAME and adds the files to $MEDIA."
    read -r -p "Type the database's name to go on: " answer
    [[ "$answer" == "$DATABASE_NAME" ]] || fail "not confirmed: nothing was restored."
fi
check_client_version pg_restore

echo "Restoring the database $DATABASE_NAME..."
pg_restore --dbname="$PG_URL" --no-password --clean --if-exists --no-owner --no-privileges \
    --single-transaction --exit-on-error "$backup/database.dump"

echo "Restoring the files into $MEDIA..."
mkdir -p "$MEDIA"
tar -C "$MEDIA" -xzf "$backup/media.tar.gz" --no-same-owner
extra=$(comm -13 <(tar -tzf "$backup/media.tar.gz" | grep -v '/$' | sed 's|^\./||' | sort) \
    <(cd "$MEDIA" && find . -type f | sed 's|^\./||' | sort) | wc -l)
if ((extra)); then
    echo "  $extra file(s) in $MEDIA are not in the backup; they were left in place."
fi

echo "Restored $backup."
echo "Next: python manage.py migrate (if the code is newer than the backup), then start the site."
