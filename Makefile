# safetynet: `make demo` serves a synthetic Jining at http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser fonts java demo serve test lint bench bench-screen clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON) 未找到）；可用 make PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,spark,bench]'
	@touch $(STAMP)

# The browser tests drive the system's Chromium (never a downloaded one).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium' (browser tests are skipped)"; fi; }

# The letters' PDFs (WeasyPrint): Pango and the Noto CJK fonts for the Chinese, from Debian.
fonts:
	@fc-list 2>/dev/null | grep -q 'Noto Sans CJK' && ldconfig -p | grep -q libpangoft2 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; \
	  else echo "Missing fonts or Pango: run 'sudo apt-get install -y fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0' (the PDF letters need them)"; fi; }

# The Spark parity test runs Spark in local mode: it needs a Java runtime (17 or newer).
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq default-jre-headless; \
	  else echo "Java is missing: run 'sudo apt-get install -y default-jre-headless' (the Spark test is skipped)"; fi; }

# Only the demo's users may keep the shared demo password (elsewhere they must change it).
demo: export SAFETYNET_DEMO := 1
demo: install fonts
	$(BIN)/safetynet manage migrate --noinput
	$(BIN)/safetynet manage seed_demo
	@echo "safetynet 演示：http://127.0.0.1:8000/  接口文档：http://127.0.0.1:8000/api/v1/docs"
	@echo "后台任务进程（筛查、核对、导入、全部乡镇的发放名册）随网站一同运行；Ctrl-C 同时停止两者"
	@# The worker runs beside the web server; whichever way the server stops, the worker stops too.
	@$(BIN)/safetynet manage worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/safetynet manage runserver 127.0.0.1:8000

# The production server (gunicorn, settings in safetynet/site/gunicorn.conf.py) on 127.0.0.1:8000,
# behind the city's proxy; the database from DATABASE_URL (see the README's "Production").
serve: install fonts
	$(BIN)/safetynet manage migrate --noinput
	$(BIN)/safetynet manage collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c safetynet/site/gunicorn.conf.py

test: install browser fonts java
	$(BIN)/ruff check safetynet tests benchmarks
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check safetynet tests benchmarks

bench: install
	$(BIN)/python benchmarks/assess.py

# The whole synthetic city (3 million households): several minutes and about 9 GB to generate.
bench-screen: install
	$(BIN)/python benchmarks/screen.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
