# newsflow: `make demo` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test unit e2e integration services-up services-down services-status clean

# Bytecode compiled up front: an editable install gets none from pip, and where
# PYTHONDONTWRITEBYTECODE is set (CI images, ours) every `newsflow` process would otherwise compile
# its own modules again, 0.15 s a start. Up-to-date files are skipped, so this costs nothing twice.
install: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 newsflow ingest enrich index >/dev/null

# Re-installs only when pyproject.toml changes, so a second `make` is instant.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@

demo: install
	@bash deploy/demo.sh

# Starts real Kafka and Elasticsearch (deploy/local, from Maven Central) unless they already
# run, runs every test, and stops again only what it started. If a service cannot start the
# integration tests skip, or fail under NEWSFLOW_REQUIRE_SERVICES=1 (CI).
test: install
	@started=0; \
	if ! bash deploy/local/services.sh status >/dev/null 2>&1; then \
	  started=1; bash deploy/local/services.sh up || echo "make test: local services did not start (see above)" >&2; \
	fi; \
	status=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$started = 1 ]; then bash deploy/local/services.sh down >/dev/null 2>&1 || true; fi; \
	exit $$status

integration: install
	$(BIN)/python -m pytest tests/integration $(PYTEST_ARGS)

services-up:
	@bash deploy/local/services.sh up

services-down:
	@bash deploy/local/services.sh down

services-status:
	@bash deploy/local/services.sh status

unit: install
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .cache newsflow-data *.egg-info .pytest_cache
