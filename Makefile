# The two commands of the README: `make run` and `make test`. Everything they need is installed here,
# and each step says what it does before doing it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Fonts for every script of the 19 languages, the sRGB profile for PDF/A, pdftoppm/pdfsig for
# looking at PDFs, ICU's runtime library for Thai line breaking (called through its C API: no
# compiler; "libicu" is libicu72 on Debian 12, see scripts/system-deps.sh), espeak-ng for the
# machine reading of consent texts (read aloud, offline), python3-venv for Debian's python3.
DEB_RUN  := fonts-noto-core icc-profiles-free poppler-utils libicu espeak-ng python3-venv
# Chromium drives the browser tests; Playwright never downloads its own. Pango (and HarfBuzz's
# subsetter) for WeasyPrint, the consent_peer case of `formapp bench`.
DEB_TEST := $(DEB_RUN) chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
HOST ?= 127.0.0.1
PORT ?= 5000
step = @printf '==> %s\n'

.PHONY: run test lint system-deps system-deps-test install install-test oidc-provider clean

run: system-deps install
	$(step) "Compiling the translations (.po to .mo)"
	@$(BIN)/formapp i18n compile
	$(step) "Making the web fonts (a WOFF2 subset per script)"
	@$(BIN)/formapp i18n fonts
	$(step) "Creating or upgrading the database (formapp db upgrade)"
	@$(BIN)/formapp db upgrade
	$(step) "Loading the demo förbund, its insatser and users (formapp demo)"
	@$(BIN)/formapp demo
	$(step) "Serving http://$(HOST):$(PORT)/ - log in as deltagare@demo.formapp.example, password demo-formapp-2026 (README: The first five minutes). Ctrl+C stops."
	@$(BIN)/formapp run --host $(HOST) --port $(PORT)

test: system-deps-test install-test oidc-provider
	$(step) "Linting (ruff)"
	@$(BIN)/ruff check formapp tests
	$(step) "Checking the types (mypy)"
	@$(BIN)/mypy formapp
	$(step) "Checking the translations (formapp i18n check)"
	@$(BIN)/formapp i18n check --no-details
	$(step) "Compiling the translations (.po to .mo)"
	@$(BIN)/formapp i18n compile
	$(step) "Running the test suite (pytest)"
	@$(BIN)/pytest

lint: install-test
	$(step) "Linting (ruff)"
	@$(BIN)/ruff check formapp tests
	$(step) "Checking the types (mypy)"
	@$(BIN)/mypy formapp

system-deps:
	@scripts/system-deps.sh $(DEB_RUN)

system-deps-test:
	@scripts/system-deps.sh $(DEB_TEST)

$(BIN)/python:
	$(step) "Creating the virtualenv $(VENV) ($(PYTHON) -m venv)"
	@$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changed. Every dependency comes as a wheel
# (--prefer-binary: an older wheel rather than a newer source to build): nothing is compiled.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(step) "Installing formapp and its Python packages into $(VENV) (pip: about 60 wheels, 60 MB; nothing to compile)"
	@$(BIN)/pip install --prefer-binary -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(step) "Installing the test tools into $(VENV) (pytest, ruff, Playwright, WeasyPrint …)"
	@$(BIN)/pip install --prefer-binary -e '.[test]'
	@touch $@

# The OpenID provider of the sign-in tests (npm's oidc-provider, OpenID Certified), exactly as
# locked in tests/oidc/package-lock.json; reinstalled only when the lock file changes.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	$(step) "Installing the OpenID provider of the sign-in tests (npm ci in tests/oidc)"
	@cd tests/oidc && npm ci --no-audit --no-fund

oidc-provider: tests/oidc/node_modules/.package-lock.json

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

clean:
	rm -rf $(VENV) build *.egg-info tests/oidc/node_modules
