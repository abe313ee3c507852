# The two commands: `make demo` and `make test`. Everything runs from .venv, made from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# MkDocs and Material announce their successors on every build; the notice says nothing about our site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: demo test test-deps site clean

# The venv is rebuilt when pyproject.toml changes.
$(BIN)/sip-backoffice: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "SIP-handboken behöver Python 3.11 eller senare (ange t.ex. make PYTHON=python3.12)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(BIN)/sip-backoffice
	$(BIN)/mkdocs build --strict --quiet

# The site, its forms and the coordinator's side on the default store (var/store): an empty store is filled
# with invented answers, and demo links and a coordinator's one-time sign-in link are printed.
demo: site
	$(BIN)/sip-backoffice serve --host $(HOST) --port $(PORT) --demo

# What the tests need beyond Python (Chromium, LibreOffice Calc, the test OpenID provider's npm
# packages): installed here when possible, else one Swedish line saying what to run.
test-deps:
	@sh tools/test-deps.sh

test: test-deps $(BIN)/sip-backoffice
	$(BIN)/python -m pytest

clean:
	rm -rf site .pytest_cache
