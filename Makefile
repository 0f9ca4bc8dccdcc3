.DEFAULT_GOAL := build

VENV := .venv/bin
SETUP := bash scripts/setup.sh

.PHONY: build test validate bench schema clean golden

build:
	$(SETUP) runtime
	$(VENV)/reportgen build

test:
	$(SETUP) test
	$(VENV)/ruff check reportgen tests
	CI=$${CI:-} $(VENV)/python -m pytest -q

validate:
	$(VENV)/reportgen validate

bench:
	$(SETUP) test
	$(VENV)/python bench/pdf.py
	$(VENV)/python bench/stages.py
	$(VENV)/python bench/run.py
	$(VENV)/python bench/preview.py

golden:
	$(SETUP) test
	$(VENV)/python -m pytest tests/test_golden.py -q --update-golden

schema:
	$(VENV)/reportgen schema

clean:
	rm -rf build
