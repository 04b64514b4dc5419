# SPOT-Me — the two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# uv reads and writes uv.lock; it lives in its own small venv, pinned with hashes
# (deploy/requirements-uv.txt), so that `uv sync` can keep $(VENV) exactly as the lock says.
TOOLS  := .devdata/tools
UV     := $(TOOLS)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
export SPOTME_UV := $(abspath $(UV))

.PHONY: run test soak fuzz bench lint messages upgrade stop-services clean

$(UV): deploy/requirements-uv.txt
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install -q --disable-pip-version-check --require-hashes -r deploy/requirements-uv.txt
	@touch $@

# Exactly what uv.lock says, nothing else (--locked: refuse a lock out of step with pyproject.toml).
$(BIN)/.installed: pyproject.toml uv.lock $(UV)
	@echo "Installing the locked dependencies (uv.lock) into $(VENV) with $(PYTHON)"
	@$(UV) sync --quiet --locked --extra dev --python $(PYTHON)
	@echo "Installed: $$($(BIN)/python -c "import importlib.metadata as m; print(len(list(m.distributions())))") packages, exactly as uv.lock says"
	@touch $@

venv: $(BIN)/.installed

## Serve the platform with demo data on http://localhost:$(PORT) (agencies at http://<sub>.localhost:$(PORT))
run: venv
	PORT=$(PORT) $(BIN)/python deploy/run.py serve

## Run the whole test suite against real PostgreSQL, Redis, Celery and Chromium
test: venv
	$(BIN)/python deploy/run.py test $(ARGS)

## Soak: 5 minutes of clock-ins under faults on a private, durable stack (bench/soak.py; BENCHMARKS.md)
soak: venv
	$(BIN)/python bench/soak.py $(ARGS)

## The long schemathesis run over every operation (figures go to BENCHMARKS.md by hand, with the command)
fuzz: venv
	$(BIN)/python deploy/run.py fuzz $(ARGS)

## Benchmarks (figures go to BENCHMARKS.md by hand, with the command)
bench: venv
	$(BIN)/python deploy/run.py bench $(ARGS)

## Re-resolve every dependency to the newest version pyproject.toml allows and rewrite uv.lock.
## Then run `make test`; commit the new uv.lock only when the whole suite passes.
upgrade: $(UV)
	$(UV) lock --upgrade
	@echo "uv.lock rewritten. Now: make test — and commit uv.lock only if the whole suite passes."

lint: venv
	$(BIN)/ruff check .
	$(BIN)/hadolint deploy/Dockerfile

## Recompile the translation catalogues after editing platform/spotme/locale/*/LC_MESSAGES/django.po
messages: venv
	$(BIN)/python deploy/run.py messages

stop-services:
	$(PYTHON) deploy/devservices.py stop

clean:
	rm -rf $(VENV) .devdata
