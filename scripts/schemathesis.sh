#!/usr/bin/env bash
# Schemathesis against the live API, as a client from outside sees it: the app under gunicorn
# with DEBUG off, on a throwaway database seeded with the demo structure. Every operation of the
# served schema gets generated input (valid and invalid), once anonymously and once with a
# Regional Platform team token; the run fails on any server error, any status code the schema
# does not document and any body that does not match the schema.
#
# Usage: scripts/schemathesis.sh   (CI calls it from .ci/run; DATABASE_URL/REDIS_URL as there)
# SCHEMATHESIS_EXAMPLES (default 10) cases per operation and phase; SCHEMATHESIS_SEED (default
# 20260101) makes a run reproducible: set another to explore further. SCHEMATHESIS_PHASES
# (default coverage,fuzzing): coverage is the slow, thorough one (every boundary of the schema).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-.venv/bin}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-10}"
SEED="${SCHEMATHESIS_SEED:-20260101}"
work="$(mktemp -d)"
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A database of its own, made afresh: generated writes pile up, and must never reach the
# database the tests or `make run` use.
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
    server_db="${DATABASE_URL%/*}/$(basename "${DATABASE_URL%%\?*}")_schemathesis"
    "$BIN/python" - "$server_db" <<'PY'
import sys

import environ
import psycopg2

config = environ.Env.db_url_config(sys.argv[1])
connection = psycopg2.connect(
    dbname="postgres",
    user=config["USER"],
    password=config["PASSWORD"],
    host=config["HOST"],
    port=config["PORT"] or 5432,
)
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
PY
else
    server_db="sqlite:///$work/db.sqlite3"
fi

export DATABASE_URL="$server_db"
export SECRET_KEY="${SECRET_KEY:-schemathesis-only-secret-key-not-used-anywhere-else-0123456789}"
export ALLOWED_HOSTS=127.0.0.1
# Tasks that writes enqueue stay in the server process: no worker is meant to run them.
export CELERY_BROKER_URL=memory://
export DEBUG=0

started=$SECONDS
"$BIN/python" manage.py migrate --noinput -v0
# Pages (a 404 outside the API's routes) need the manifest of the static files with DEBUG off.
"$BIN/python" manage.py collectstatic --noinput -v0
"$BIN/python" manage.py load_structure >/dev/null
"$BIN/python" manage.py seed_demo --allow-without-debug >/dev/null
echo "== schemathesis: database and static files ready in $((SECONDS - started)) s"

port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$BIN/gunicorn" r4v.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 60 \
    --error-logfile "$work/server.log" >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do
    curl -fsS -o /dev/null "$base/api/v1/" 2>/dev/null && break
    sleep 0.5
done

# The Regional Platform team's password alone makes no token (it must use a second factor,
# r4v/mfa.py): the token is made as its API token page makes one, after the code.
token="$("$BIN/python" - <<'PY'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r4v.settings")
django.setup()
from r4v.models import User  # noqa: E402
from r4v.services import api_token_create  # noqa: E402
from sectors.management.commands.seed_demo import demo_email  # noqa: E402

_token, key = api_token_create(
    user=User.objects.get(email=demo_email("regional.team")), name="schemathesis"
)
print(key)
PY
)"

run() {
    "$BIN/schemathesis" --config-file scripts/schemathesis.toml run "$base/api/v1/schema/?format=json" \
        --checks not_a_server_error,status_code_conformance,response_schema_conformance \
        --phases "${SCHEMATHESIS_PHASES:-coverage,fuzzing}" \
        --max-examples "$EXAMPLES" --seed "$SEED" --workers 2 \
        --suppress-health-check all --no-color "$@"
}

status=0
# Anonymous writes all answer 401 before reading their input; the token run covers them.
echo "== schemathesis: anonymous reads"
run --include-method GET || status=1
# With a token, writes get both phases and reads fuzzing only: the anonymous run already sent
# the coverage phase's boundary values to every public read, and repeating it for the internal
# lists costs a minute of CI for parameters that share the same bounded fields (r4v/api_fields).
echo "== schemathesis: writes with a Regional Platform team token"
run -H "Authorization: Token $token" --exclude-method GET || status=1
echo "== schemathesis: reads with a Regional Platform team token"
SCHEMATHESIS_PHASES=fuzzing run -H "Authorization: Token $token" --include-method GET || status=1
if [[ $status -ne 0 ]]; then
    echo "== server log"
    cat "$work/server.log"
fi
exit $status
