# The two commands a new machine needs: `make up` (the whole system with demo data) and
# `make test` (every test tier). Both build the virtualenv first; `make install` is idempotent.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: install up test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Development mode, said out loud: `up` is a developer's machine, never production.
up: install
	EDQUILL_ENV=development $(VENV)/bin/edquill up

test: install
	EDQUILL_ENV=development $(VENV)/bin/pytest

bench: install
	$(VENV)/bin/python -m bench.outbox

clean:
	rm -rf $(VENV) .pytest_cache
