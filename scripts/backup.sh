#!/usr/bin/env bash
# `make backup` / `make restore`: the PostgreSQL database of DATABASE_URL (pg_dump custom format)
# and the attachment files under MEDIA_ROOT (a tar), in one folder with their SHA-256 sums.
#
#   bash scripts/backup.sh backup    # into BACKUP_DIR, default var/backups/<UTC timestamp>/
#   bash scripts/backup.sh restore   # from BACKUP_DIR (required) into DATABASE_URL and MEDIA_ROOT
#
# Restore into an empty database (createdb first); objects it already has are replaced
# (--clean --if-exists), all in one transaction. With AWS_STORAGE_BUCKET_NAME the files live in
# the bucket, not here: keep them with the bucket's versioning and replication.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not PostgreSQL; the SQLite demo is a file under var/ to copy." >&2; exit 2 ;;
esac
VAR_DIR="${VAR_DIR:-var}"
MEDIA_ROOT="${MEDIA_ROOT:-$VAR_DIR/media}"

case "$mode" in
  backup)
    BACKUP_DIR="${BACKUP_DIR:-$VAR_DIR/backups/$(date -u +%Y%m%dT%H%M%SZ)}"
    mkdir -p "$BACKUP_DIR"
    if [ -n "$(ls -A "$BACKUP_DIR")" ]; then
      echo "backup.sh: $BACKUP_DIR is not empty; choose a new BACKUP_DIR." >&2
      exit 2
    fi
    # One consistent snapshot of the database (pg_dump runs in a single repeatable-read transaction).
    pg_dump --format=custom --no-owner --no-privileges --file="$BACKUP_DIR/database.dump" "$DATABASE_URL"
    mkdir -p "$MEDIA_ROOT"
    tar -C "$MEDIA_ROOT" -czf "$BACKUP_DIR/media.tar.gz" .
    (cd "$BACKUP_DIR" && sha256sum database.dump media.tar.gz >SHA256SUMS)
    echo "Backed up to $BACKUP_DIR"
    ;;
  restore)
    : "${BACKUP_DIR:?BACKUP_DIR must name the backup folder to restore}"
    # A damaged or partial copy is refused before anything is touched.
    (cd "$BACKUP_DIR" && sha256sum --check --quiet SHA256SUMS)
    pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname="$DATABASE_URL" "$BACKUP_DIR/database.dump"
    mkdir -p "$MEDIA_ROOT"
    tar -C "$MEDIA_ROOT" -xzf "$BACKUP_DIR/media.tar.gz"
    echo "Restored $BACKUP_DIR"
    ;;
  *)
    echo "usage: bash scripts/backup.sh backup|restore (BACKUP_DIR, DATABASE_URL, MEDIA_ROOT from the environment)" >&2
    exit 2
    ;;
esac
