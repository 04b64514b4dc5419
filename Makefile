# SPOT-Me — the two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test bench lint messages stop-services clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

## Serve the platform with demo data on http://localhost:$(PORT) (agencies at http://<sub>.localhost:$(PORT))
run: venv
	PORT=$(PORT) $(BIN)/python deploy/run.py serve

## Run the whole test suite against real PostgreSQL, Redis, Celery and Chromium
test: venv
	$(BIN)/python deploy/run.py test $(ARGS)

## Benchmarks (figures go to BENCHMARKS.md by hand, with the command)
bench: venv
	$(BIN)/python deploy/run.py bench $(ARGS)

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
