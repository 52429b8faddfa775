# Manancial: the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.ONESHELL:
# one shell per recipe, and its first failing line fails the target (without -e only the last line counted)
.SHELLFLAGS := -ec
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages, kept equal to the README's list (tests/deploy/test_debian_packages.py): what `make
# install` and `make demo` install when missing (WeasyPrint's pango and harfbuzz-subset, fonts,
# promtool and amtool, the database and Redis clients, Chromium for the browser tests) …
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libcairo2 fonts-dejavu-core \
	shared-mime-info prometheus prometheus-alertmanager postgresql-client redis-tools chromium
# … and what the targets that run against the real servers add (`make demo` falls back without them):
# the servers themselves, started when stopped, and node for the test of the agency's own script
TEST_APT_PACKAGES := postgresql redis-server rabbitmq-server nodejs
PYTEST_WORKERS ?= 2
# CI builds its test databases afresh; locally they are kept between runs (--reuse-db in pyproject)
PYTEST_FLAGS ?= $(if $(CI),--create-db,)


.PHONY: fmt help install assets system-packages test-packages services demo test lint typecheck contracts migrations-check deploy-check \
	pytest fuzz bench clean

help:
	@echo "make demo    – instala, cria as concessionárias de demonstração e sobe a plataforma na porta 8000 (DEMO_PORT)"
	@echo "make test    – todas as verificações: lint, tipos, contratos de importação, migrações, pytest"
	@echo "make install – cria .venv com tudo (e os pacotes Debian que faltarem), sem subir servidor"
	@echo "make bench   – benchmarks (tests/benchmarks), imprimem números e gravam JSON"
	@echo "make fuzz    – schemathesis nas APIs da equipe e do cidadão com orçamento maior (FUZZ_MAX_EXAMPLES, padrão 200)"

# The Debian packages of a list that are missing, installed (sudo when not root).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done
	if [ -n "$$missing" ]; then
	  echo "instalando pacotes Debian:$$missing"
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing
	fi
endef

system-packages:
	$(call apt_install,$(APT_PACKAGES))

test-packages:
	$(call apt_install,$(TEST_APT_PACKAGES))

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: system-packages $(STAMP) assets

# The agency's front-end assets (gov.br design system, Raleway) come from npm, pinned in
# package-lock.json; `npm run build` copies them into portal/static/portal/vendor/ (committed, so a
# machine without node still serves the agency). axe-core, for the browser tests, stays in node_modules.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

assets:
	@if command -v npm >/dev/null 2>&1; then
	  $(MAKE) --no-print-directory $(NODE_STAMP) && npm run --silent build
	else
	  echo "node/npm ausentes: usando os arquivos de portal/static/portal/vendor já versionados"
	fi

# Start PostgreSQL, Redis and RabbitMQ when they are installed but stopped.
services: test-packages
	@bash infra/local/services.sh

demo: install
	set -e
	eval "$$($(PY) infra/local/devenv.py)"
	$(PY) manage.py migrate_schemas --shared -v 0
	$(PY) manage.py migrate_schemas -v 0
	$(PY) manage.py seed_tenants -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v 0
	exec $(PY) manage.py rundemo --port $${DEMO_PORT:-8000}

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	# saas/__init__ imports the Celery app: follow it silently, check the pure SLA rules strictly
	$(VENV)/bin/mypy --follow-imports=silent platform/saas/sla/domain
	$(VENV)/bin/mypy modules/common/domain modules/access/domain modules/registry/domain modules/metering/domain \
		modules/reading/domain modules/billing/domain modules/collection/domain modules/debt/domain \
		modules/service/domain modules/reports/domain
	# services and selectors, strict too (Django is untyped: typings/ types transaction.atomic and the choices)
	$(VENV)/bin/mypy --follow-imports=silent modules/common/clock.py modules/common/audit.py modules/common/staging.py \
		modules/*/services* modules/*/selectors.py modules/*/*_services.py modules/*/*_selectors.py modules/*/selectors_*.py modules/*/errors.py portal/*services*.py portal/*selectors*.py portal/errors.py \
		modules/collection/gateway.py modules/collection/matcher.py modules/collection/return_import.py \
		tenants/provisioning.py tenants/admins.py tenants/backup/services.py \
		platform/saas/sla/services.py platform/saas/sla/selectors.py platform/saas/demo

contracts: $(STAMP)
	PYTHONPATH=platform:. $(VENV)/bin/lint-imports

migrations-check: $(STAMP) services
	DJANGO_SETTINGS_MODULE=saas.settings.test $(PY) manage.py makemigrations --check --dry-run

deploy-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=saas.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  FIELD_ENCRYPTION_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/manancial $(PY) manage.py check --deploy --fail-level WARNING

# The browser tests commit rows (bills, the gateway account, a tariff) for a real server thread to
# see; they run on their own, after the rest, so no parallel test meets those rows.
pytest: $(STAMP) services
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q $(PYTEST_FLAGS) -m "not browser"
	$(VENV)/bin/pytest -q $(PYTEST_FLAGS) -m browser

test: install lint typecheck contracts migrations-check deploy-check pytest

# The fuzz suite also runs in `make test` with a small budget per operation (8); this is the long run.
FUZZ_MAX_EXAMPLES ?= 200
fuzz: $(STAMP) services
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q $(PYTEST_FLAGS) -m fuzz

bench: install services
	$(PY) -m tests.benchmarks

clean:
	rm -rf $(VENV) staticfiles var node_modules

# A recipe whose first line fails must fail its target, or `make test` lands red work as green;
# tests/deploy/test_makefile.py runs this and expects the failure.
.PHONY: _selfcheck-first-line-fails
_selfcheck-first-line-fails:
	false
	echo "unreachable: the failing line above did not stop the recipe"
