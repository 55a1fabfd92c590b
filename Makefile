# Quick start: `make demo` (install and open the app on the bundled seeds), `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("annotator needs Python 3.11 or newer; set PYTHON=python3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,model,serve,postgres,ray]'
	@touch $(STAMP)

install: $(STAMP)

# Opens the app on ./annotations.db; the first run imports seeds/ into it.
demo: $(STAMP)
	$(BIN)/annotator annotate --db annotations.db --seed seeds

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/quotes.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/tui.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/concurrency.py

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
