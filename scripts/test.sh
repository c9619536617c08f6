#!/usr/bin/env bash
# `make test`: lint, then the whole suite against PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/services.sh

export DJANGO_SETTINGS_MODULE=helpdesk.settings.test
export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/helpdesk}"
export REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}"

unset EMAIL_BACKEND  # the suite chooses its own mail backends
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/bandit -q -c pyproject.toml -r .  # security lint; accepted findings carry `# nosec BXXX  # reason`
.venv/bin/mypy  # types of the production code ([tool.mypy] in pyproject.toml)
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "models changed without a migration: run manage.py makemigrations" >&2; exit 1; }
chosen=$#  # tests named by the caller (`make test-fuzz`): run just those, as given
# A fresh test database every run in CI; locally --reuse-db keeps runs quick.
if [ "${CI:-}" = "true" ]; then set -- --create-db "$@"; fi
# `make test-fast`: no browsers, workers or slow walks, on two processes (one database each).
if [ "${FAST:-}" = "1" ]; then exec .venv/bin/pytest -m "not browser and not worker and not slow" -n 2 "$@"; fi
if [ "$chosen" -gt 0 ]; then exec .venv/bin/pytest "$@"; fi
# The whole suite (`make test`, CI): the self-contained tests on two processes, then those that
# start browsers, Celery workers, servers or subprocesses one at a time (they take ports, Redis
# databases and the cores' time of their own). Both phases run; either failing fails the run.
status=0
.venv/bin/pytest -m "not browser and not worker and not slow" -n 2 "$@" || status=$?
.venv/bin/pytest -m "browser or worker or slow" "$@" || status=$?
exit $status
