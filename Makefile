# The two commands a new machine needs: `make up` (the whole system with demo data) and
# `make test` (every test tier). Both build the virtualenv first; `make install` is idempotent.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

# The services whose family-facing pages and e-mails are translated (services/<name>/translations).
TRANSLATED := registrar notifier
CATALOGS := $(wildcard $(TRANSLATED:%=services/%/translations/*/LC_MESSAGES/messages.po))

.PHONY: install up test bench clean extract

install: $(STAMP) $(CATALOGS:.po=.mo)

# The repository keeps only the .po sources; each compiled .mo is made from its .po here.
%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

# After changing a family-facing string: refresh each template and merge it into the catalogs.
extract: install
	for service in $(TRANSLATED); do \
	  $(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext --no-location --sort-output --omit-header \
	    -o services/$$service/translations/messages.pot services/$$service \
	  && $(VENV)/bin/pybabel update --no-fuzzy-matching -i \
	    services/$$service/translations/messages.pot -d services/$$service/translations; \
	done

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
