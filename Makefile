# Deskline: `make run` to try it, `make test` before every push, `make bench` to measure.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: messages assets browser mailserver run serve-with-worker test bench lint typecheck migrations-check test-sqlite test-postgres bootstrap clean

bootstrap: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

# Front-end libraries come from the npm registry, pinned by package-lock.json, never committed.
NODE_STAMP := node_modules/.installed
assets: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

# Browser tests drive Debian's Chromium, with a CJK font so that Chinese pages (and their
# screenshots) show characters; install them when the machine does not have them.
browser:
	@test -x /usr/bin/chromium -a -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { \
	  apt-get install -y -qq chromium fonts-wqy-microhei || \
	  { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei; }; }

# The mail tests run Debian's Postfix and Dovecot on loopback (deskline/testing/mailserver.py);
# install them when missing (`make test`, and so `.ci/run`, does), without Postfix's questions.
mailserver:
	@test -x /usr/sbin/postfix -a -x /usr/lib/dovecot/imap -a -x /usr/lib/dovecot/lmtp -a -x /usr/bin/openssl || { \
	  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix dovecot-imapd dovecot-lmtpd openssl || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq postfix dovecot-imapd dovecot-lmtpd openssl; }; }

# Translations are compiled from the committed .po files whenever they change.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard deskline/locale/*/LC_MESSAGES/django.po))
%.mo: %.po
	msgfmt --check -o $@ $<

messages: $(STAMP) $(MO_FILES)

run: bootstrap messages assets
	$(BIN)/deskline migrate --noinput
	$(BIN)/deskline collectstatic --noinput --verbosity 0
	$(BIN)/deskline demo
	@echo ""
	@echo "Deskline is running at http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/v1/docs)"
	@echo "Demo logins (password: deskline-demo):"
	@echo "  site admin  admin@deskline.example"
	@echo "  agent       li.wei@deskline.example (Frontline, Shanghai)"
	@echo "  customer    zhang.min@deskline.example (Shanghai)"
	@$(MAKE) --no-print-directory serve-with-worker

# The web server and the background worker (SLA warnings and breaches) side by side, as `make run`
# starts them after its set-up. One Ctrl-C (SIGINT to every process of the terminal's group) or a
# SIGTERM to the shell stops both within seconds: the shell waits for them in the background so
# that a signal reaches it at once, and stops and waits for both.
# deskline/core/tests/test_processes.py runs this target and checks that.
serve-with-worker:
	@export DESKLINE_BASE_URL="$${DESKLINE_BASE_URL:-http://$(HOST):$(PORT)}"; \
	  trap 'kill $$server $$worker 2>/dev/null; wait' EXIT INT TERM; \
	  $(BIN)/deskline worker & worker=$$!; \
	  $(BIN)/deskline serve --host $(HOST) --port $(PORT) --workers 2 & server=$$!; \
	  wait $$server

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: bootstrap
	$(BIN)/mypy deskline
	$(BIN)/lint-imports

migrations-check: bootstrap
	env -u DATABASE_URL $(BIN)/deskline makemigrations --check --dry-run

test-sqlite: bootstrap messages assets browser mailserver
	env -u DATABASE_URL $(BIN)/pytest

# Runs only when DATABASE_URL points at PostgreSQL; .ci/run always sets it.
test-postgres: bootstrap messages assets browser mailserver
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== the suite again on $${DATABASE_URL%%@*}@..."; \
	  $(BIN)/pytest; \
	else echo "DATABASE_URL is not set: skipping the PostgreSQL run"; fi

test: lint typecheck migrations-check test-sqlite test-postgres

bench: bootstrap
	$(BIN)/python -m deskline.bench

clean:
	rm -rf $(VENV) node_modules var/test-* .mypy_cache .ruff_cache
