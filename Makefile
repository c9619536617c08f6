# make demo: run the product locally (SQLite, Celery worker and beat, mail under var/mail)
# make test: lint and run the whole suite against PostgreSQL and Redis
# make test-fast: the same without browser, worker and slow tests, on two processes (the inner loop)
# make test-fuzz: the deep fuzzing run (schemathesis with a key per role and tenant, the junk walk, the isolation matrix)
# make bench: run the benchmarks under bench/ on a million generated cases (made once, kept in helpdesk_bench_data), then the stack benchmark
# make bench-quick: the same benchmarks (not the stack one) on 100,000 cases in their own database (helpdesk_bench_quick)
# make bench-stack: the product through gunicorn with the production settings (bench/stack.py)
# make bench-peer: django-helpdesk 2.6.1 beside us with the same client (bench/peer/)
# make load: 200 users for 60 s against gunicorn and Celery workers (bench/load/), figures to bench/RESULTS.md
# make backup / make restore: dump and restore the database and attachment files (scripts/backup.sh)
# make audit: look up the pinned dependencies in the PyPI advisory database (needs network)
.PHONY: demo test test-fast test-fuzz bench bench-quick bench-stack bench-peer load lint audit backup restore format clean

PYTHON ?= python3
VENV := .venv

$(VENV)/.runtime: requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

demo: $(VENV)/.runtime
	bash scripts/demo.sh

test: $(VENV)/.dev
	bash scripts/test.sh

test-fast: $(VENV)/.dev
	FAST=1 bash scripts/test.sh

test-fuzz: $(VENV)/.dev
	SCHEMATHESIS_EXAMPLES=150 SCHEMATHESIS_RANDOM=1 \
	SCHEMATHESIS_KEYS=merchant_a1,merchant_a2,analyst_a,manager_a,admin_a,analyst_b \
	SCHEMATHESIS_STATEFUL_KEYS=merchant_a1,merchant_a2,analyst_a,manager_a,admin_a,analyst_b,manager_b,admin_b \
	SCHEMATHESIS_STATEFUL_EXAMPLES=60 SCHEMATHESIS_STATEFUL_STEPS=12 \
	bash scripts/test.sh tests/api/test_schemathesis.py tests/api/test_schemathesis_stateful.py \
	  tests/test_junk_input.py tests/test_isolation_matrix.py

bench: $(VENV)/.dev
	bash scripts/services.sh
	mkdir -p var/bench
	status=0; $(VENV)/bin/python -m bench || status=1; $(VENV)/bin/python -m bench.stack || status=1; exit $$status

# BENCH_DATABASE_URL (a prepared database; default the case pages' helpdesk_bench), BENCH_REDIS_URL
# (flushed; default db 13), BENCH_STACK_CLIENTS, BENCH_STACK_REQUESTS: see bench/stack.py. Loopback only.
bench-stack: $(VENV)/.dev
	bash scripts/services.sh
	mkdir -p var/bench
	$(VENV)/bin/python -m bench.stack

# The peer in its own virtual environment; none of its code is in this repository.
PEER_VENV := var/peer/venv

$(PEER_VENV)/.installed: bench/peer/requirements.txt
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install -q -r bench/peer/requirements.txt
	touch $@

# PEER_DATABASE (default helpdesk_peer), BENCH_CASES, BENCH_PEER_CLIENTS, BENCH_PEER_REQUESTS,
# BENCH_PEER_TIMEOUT: see bench/peer/run.py. Reads var/bench/stack.json for the ratios.
bench-peer: $(VENV)/.dev $(PEER_VENV)/.installed
	bash scripts/services.sh
	mkdir -p var/bench
	$(VENV)/bin/python -m bench.peer.run

# BENCH_QUICK_DATABASE: where the 100,000 cases are kept (made on the first run).
bench-quick: $(VENV)/.dev
	bash scripts/services.sh
	mkdir -p var/bench
	BENCH_CASES=100000 BENCH_DATABASE=$${BENCH_QUICK_DATABASE:-helpdesk_bench_quick} $(VENV)/bin/python -m bench

# LOAD_DATABASE (dropped and made again; default helpdesk_load), LOAD_REDIS_URL (flushed; default db 14),
# LOAD_USERS, LOAD_SECONDS: see bench/load/run.py. Loopback only.
load: $(VENV)/.dev
	bash scripts/services.sh
	nice -n 10 $(VENV)/bin/python -m bench.load.run

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r .
	DJANGO_SETTINGS_MODULE=helpdesk.settings.test $(VENV)/bin/mypy

# Not part of `make test`: it needs the advisory service at pypi.org, which CI and laptops reach.
audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit --disable-pip --no-deps --strict -r requirements.txt -r requirements-dev.txt

# BACKUP_DIR: where to write (default var/backups/<timestamp>/) or, for restore, what to read.
backup:
	bash scripts/backup.sh backup

restore:
	bash scripts/backup.sh restore

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/helpdesk.sqlite3* var/broker var/mail var/log var/celerybeat-schedule*
