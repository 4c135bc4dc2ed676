#!/bin/sh
# One-shot (temporalio/admin-tools): creates or upgrades Temporal's PostgreSQL schemas to the ones
# this admin-tools release ships, which must match the temporalio/server release beside it. Safe to
# run on every `docker compose up`: setup-schema only records a starting version on an empty
# database, and update-schema applies just the versions the database does not have yet.
set -eu
: "${POSTGRES_SEEDS:?set POSTGRES_SEEDS to the PostgreSQL host}"
: "${POSTGRES_USER:?set POSTGRES_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD (temporal-sql-tool reads the password from it)}"
PORT="${DB_PORT:-5432}"
SCHEMAS=/etc/temporal/schema/postgresql/v12

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db="${pair%%:*}"
  dir="${pair##*:}"
  echo "schema: database $db"
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$SCHEMAS/$dir/versioned"
done
echo "schema: up to date"
