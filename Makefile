# Two commands cover the README: `make run` to try the portal, `make test` for everything CI checks.
# Without CI=true the tests run on SQLite; with CI=true (as .ci/run sets it) on the machine's
# PostgreSQL and Redis, which are started first if they are not answering.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

ifeq ($(CI),true)
export DATABASE_URL := postgres://postgres@127.0.0.1:5432/portal
export CELERY_BROKER_URL := redis://127.0.0.1:6379/15
endif

.PHONY: run test lint install services browser deploy-check clean bench help

help:
	@echo "make run    set up .venv, migrate, demo data, sandbox Graph tenant + sync, serve http://127.0.0.1:8000"
	@echo "make test   lint, Django checks, migration check and the test suite (CI=true: PostgreSQL + Redis)"
	@echo "make lint   ruff check"
	@echo "make deploy-check  manage.py check --deploy with production settings; docker-compose.yml validated"
	@echo "make bench  the benchmarks in bench/ (each prints a RESULT line; installs the bench extras)"
	@echo "make clean  remove caches and build output (keeps .venv and db.sqlite3)"

$(PY):
	$(PYTHON) -m venv $(VENV)

install: $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'

# The sandbox tenant: the Graph emulator, seeded with the demo businesses, stands in for Microsoft 365.
# The portal talks to it exactly as to a real tenant (app-only msal sign-in against the emulator's
# https authority, whose test CA is trusted through SSL_CERT_FILE).
SANDBOX_PORT ?= 8001
SANDBOX_ENV := DJANGO_DEBUG=1 CELERY_TASK_ALWAYS_EAGER=1 \
	GRAPH_BASE_URL=http://127.0.0.1:$(SANDBOX_PORT)/v1.0 \
	GRAPH_AUTHORITY_HOST=https://127.0.0.1:$(SANDBOX_PORT) \
	GRAPH_TENANT_ID=contoso GRAPH_CLIENT_ID=portal-client GRAPH_CLIENT_SECRET=portal-secret GRAPH_AUTH_MODE=app \
	BOOKINGS_BUSINESS_IDS=Contosolunchdelivery@contoso.onmicrosoft.com,Fabrikam@contoso.onmicrosoft.com \
	SSL_CERT_FILE=$(CURDIR)/tests/graph_emulator/tls/ca.pem

run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	@$(PY) -m tests.graph_emulator --port $(SANDBOX_PORT) --seed demo > .sandbox.log 2>&1 & echo $$! > .sandbox.pid; \
		trap 'kill $$(cat .sandbox.pid) 2>/dev/null; rm -f .sandbox.pid' EXIT INT TERM; \
		for i in $$(seq 50); do grep -q '^EMULATOR ' .sandbox.log && break; sleep 0.2; done; \
		echo "Sandbox tenant: $$(head -n1 .sandbox.log)"; \
		$(SANDBOX_ENV) $(PY) manage.py sync_graph; \
		$(SANDBOX_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Start PostgreSQL and Redis only if they are not answering (commands from the machine's notes),
# then wait until they do; create the `portal` database the checks below connect to.
services:
ifeq ($(CI),true)
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 \
		--port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
		pg_isready -h 127.0.0.1 -p 5432
	@for i in $$(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; \
		redis-cli -h 127.0.0.1 -p 6379 ping
	@test "$$(psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'portal'")" = 1 \
		|| createdb -h 127.0.0.1 -U postgres portal
else
	@echo "CI is not 'true': testing on SQLite, no services needed."
endif

# Browser tests drive Debian's Chromium: Playwright's own browser download cannot work offline.
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
		[ "$$(id -u)" = 0 ] || { echo "Install Debian's 'chromium' package (or set CHROMIUM) to run the browser tests"; exit 1; }; \
		apt-get update -qq && apt-get install -y -qq chromium fonts-liberation; }

lint: install
	$(VENV)/bin/ruff check .

# Production settings (as docker-compose.yml sets them) pass Django's deployment checks with no
# warning, and docker-compose.yml is valid: `docker-compose config` only reads the file, offline.
PRODUCTION_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=bookings.example.com DJANGO_BEHIND_TLS_PROXY=1 \
	DJANGO_SECURE_COOKIES=1 DJANGO_SECURE_SSL_REDIRECT=1 DJANGO_SECURE_HSTS_SECONDS=31536000 \
	DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS=1 DJANGO_SECURE_HSTS_PRELOAD=1 LOG_FORMAT=json

deploy-check: install
	@command -v docker-compose >/dev/null || { \
		[ "$$(id -u)" = 0 ] || { echo "Install Debian's 'docker-compose' package to validate docker-compose.yml"; exit 1; }; \
		apt-get update -qq && apt-get install -y -qq docker-compose; }
	@key="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
		DJANGO_SECRET_KEY="$$key" docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: valid"; \
		DJANGO_SECRET_KEY="$$key" $(PRODUCTION_ENV) $(PY) manage.py check --deploy --fail-level WARNING

test: install services browser lint deploy-check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(VENV)/bin/bandit -q -c pyproject.toml -r portal bookings -ll
	$(PY) -m pytest

clean:
	rm -rf .pytest_cache .ruff_cache staticfiles test-artifacts build *.egg-info
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Each benchmark on a throw-away database; bench/_*.py and bench/settings_*.py are their helpers.
bench: $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	@status=0; for script in bench/[a-z]*.py; do \
		case "$$script" in bench/settings_*) continue ;; esac; \
		echo "== $$script"; $(PY) "$$script" || status=1; \
	done; exit $$status
