# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Fonts for every script of the 19 languages, the sRGB profile for PDF/A, pdftoppm/pdfsig for
# looking at PDFs, ICU (and a compiler) for PyICU's Thai line breaking, espeak-ng for the
# machine reading of consent texts (read aloud, offline).
DEB_RUN  := fonts-noto-core icc-profiles-free poppler-utils libicu-dev pkg-config g++ espeak-ng
# Chromium drives the browser tests; Playwright never downloads its own. Pango (and HarfBuzz's
# subsetter) for WeasyPrint, the consent_peer case of `formapp bench`.
DEB_TEST := $(DEB_RUN) chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint system-deps system-deps-test install install-test clean

run: system-deps install
	$(BIN)/formapp i18n compile
	$(BIN)/formapp i18n fonts
	$(BIN)/formapp db upgrade
	$(BIN)/formapp demo
	$(BIN)/formapp run --host $(HOST) --port $(PORT)

test: system-deps-test install-test
	$(BIN)/ruff check formapp tests
	$(BIN)/mypy formapp
	$(BIN)/formapp i18n check --no-details
	$(BIN)/formapp i18n compile
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check formapp tests
	$(BIN)/mypy formapp

system-deps:
	scripts/system-deps.sh $(DEB_RUN)

system-deps-test:
	scripts/system-deps.sh $(DEB_TEST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

clean:
	rm -rf $(VENV) build *.egg-info
