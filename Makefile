# One command runs the app (make run), one passes the tests (make test).
# Both create .venv and install the project into it when it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PO := $(wildcard resources/translations/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

.PHONY: run demo test test-sqlite test-pg lint bench translations extract clean dist dist-check

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(PY) -m babel.messages.frontend compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO)

run: $(STAMP) translations
	$(VENV)/bin/kesos-desktop

demo: $(STAMP) translations
	$(VENV)/bin/kesos-desktop --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check kesos_desktop tests

test: lint translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest
	@if [ -n "$$KESOS_TEST_PG_URL" ]; then \
	  echo "== the same suite on PostgreSQL ($$KESOS_TEST_PG_URL) =="; \
	  KESOS_TEST_BACKEND=postgresql QT_QPA_PLATFORM=offscreen $(PY) -m pytest; \
	else \
	  echo "== PostgreSQL run SKIPPED: set KESOS_TEST_PG_URL=postgresql+psycopg://user@host:port/postgres to run the suite on a server too =="; \
	fi

test-pg: translations
	KESOS_TEST_BACKEND=postgresql QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/bench -s -p no:randomly -o addopts="" -q

extract: $(STAMP)
	$(PY) -m kesos_desktop.i18n_tools

$(VENV)/.pyinstaller: $(STAMP)
	$(PY) -m pip install --quiet "pyinstaller>=6.5"
	touch $@

dist: translations $(VENV)/.pyinstaller
	$(VENV)/bin/pyinstaller installer/kesos.spec --noconfirm --log-level WARN --distpath dist --workpath build
	install -m 644 installer/kesos-desktop.desktop dist/kesos-desktop/
	install -m 644 resources/icons/kesos.png dist/kesos-desktop/kesos-desktop.png
	tar -C dist -czf dist/kesos-desktop-$$($(PY) -c "import kesos_desktop; print(kesos_desktop.__version__)")-linux-x86_64.tar.gz kesos-desktop
	@du -sh dist/kesos-desktop

dist-check:
	bash installer/dist_check.sh dist/kesos-desktop

clean:
	rm -rf $(VENV) build dist *.egg-info $(MO)
