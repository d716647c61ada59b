# Courseware: `make run` serves the app with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
# `make run` is development; unset, COURSEWARE_ENV means production (see README, Configuration).
export COURSEWARE_ENV ?= development
CI_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
# `make test` spreads the tests over one process per CPU (pytest-xdist); PYTEST_WORKERS=0 runs them in one.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS)

# `make lock`: requirements*.in -> requirements*.txt, every package pinned with PyPI's hashes,
# resolved against PyPI alone whatever pip is configured with on this machine.
# pip-compile resolves for the Python it runs on; the locks must also install on Debian 12's 3.11.2,
# so what that needs and a newer Python does not is named in the .in files.
PIP_TOOLS := pip-tools==7.6.2
LOCK_ARGS ?=
PYPI_ONLY := env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null
PIP_COMPILE := $(PYPI_ONLY) CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--strip-extras --index-url https://pypi.org/simple --no-emit-index-url $(LOCK_ARGS)

.PHONY: run test lint format bench lock clean
.DELETE_ON_ERROR:

# Debian packages, checked before the venv is made (python3-venv may be missing). The stamps
# live in .venv/: the check runs again when the script changes or after `make clean`.
$(VENV)/.system-run: scripts/install-system-packages
	PYTHON=$(PYTHON) scripts/install-system-packages run
	@mkdir -p $(VENV) && touch $@

$(VENV)/.system-test: scripts/install-system-packages | $(VENV)/.system-run
	PYTHON=$(PYTHON) scripts/install-system-packages test
	@touch $@

$(BIN)/python: | $(VENV)/.system-run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	$(BIN)/flask badges generate-key --if-missing "$${COURSEWARE_INSTANCE:-instance}/badges-issuer.key"
	$(BIN)/flask lti generate-key --if-missing "$${LTI_KEY_FILE:-$${COURSEWARE_INSTANCE:-instance}/lti-tool.pem}"
	$(BIN)/flask --debug run --no-debugger --host 127.0.0.1 --port 5000

# Independent implementations that tests check Courseware against, each a folder of tests/peers/ with
# its own package-lock.json, installed with `npm ci` (from the npm registry) when its lock changes.
PEER_LOCKS := $(wildcard tests/peers/*/package-lock.json)
PEERS := $(PEER_LOCKS:package-lock.json=node_modules/.installed)

tests/peers/%/node_modules/.installed: tests/peers/%/package-lock.json | $(VENV)/.system-test
	cd tests/peers/$* && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Those written in Python whose dependencies would clash with Courseware's get a venv of their own,
# from a requirements.txt pinned with PyPI's hashes in their folder.
PY_PEER_LOCKS := $(wildcard tests/peers/*/requirements.txt)
PY_PEERS := $(PY_PEER_LOCKS:requirements.txt=.venv/.installed)

tests/peers/%/.venv/.installed: tests/peers/%/requirements.txt | $(VENV)/.system-test
	$(PYTHON) -m venv tests/peers/$*/.venv
	$(PYPI_ONLY) tests/peers/$*/.venv/bin/pip install --quiet --require-hashes --index-url https://pypi.org/simple -r $<
	@touch $@

test: $(VENV)/.system-test $(VENV)/.dev $(PEERS) $(PY_PEERS)
	$(PYTEST)
ifeq ($(CI),true)
	TEST_DATABASE_URL=$(CI_DATABASE_URL) $(PYTEST)
endif

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev
	$(BIN)/python -m bench

lock: | $(BIN)/python
	$(BIN)/pip-compile --version >/dev/null 2>&1 || $(PYPI_ONLY) $(BIN)/pip install --quiet $(PIP_TOOLS)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
