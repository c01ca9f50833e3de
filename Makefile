# Gongkai: `make demo` and `make test` work on a fresh machine with only Python 3.11+.
# uv is bootstrapped into .tools/ from PyPI; dependencies come from the committed uv.lock.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= $(CURDIR)/data
DEMO_AS_OF := 2020-01-10
DAGSTER_YAML ?= dagster.yaml

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_LINK_MODE := copy
# Bytecode written once, at install: where the environment sets PYTHONDONTWRITEBYTECODE (this
# machine and its CI do), Python otherwise compiles dagster, pandas and GX from source in every
# process it starts (CLI builds, Dagster's run processes, notebook kernels): measured,
# `import pipelines.definitions` 8.3 s -> 2.7 s and `import great_expectations` 13-14 s -> 6-8 s.
export UV_COMPILE_BYTECODE := 1

LAB_PORT ?= 8888

.PHONY: setup system demo build test bench lint ui lab clean help

help:
	@echo "make demo   生成演示数据并构建全部数据集市"
	@echo "make test   安装环境并运行测试"
	@echo "make build  用 data/raw 中的真实文件构建（GONGKAI_AS_OF 默认今天）"
	@echo "make ui     启动 Dagster 界面和守护进程（http://127.0.0.1:3000）"
	@echo "make lab    启动 JupyterLab 分析笔记本（http://127.0.0.1:8888，项目环境内核）"
	@echo "make bench  基准测试：与同一次运行中测得的下限对比（结果在 bench/results/）"
	@echo "make lint   ruff 检查"

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# The project's own modules too (uv compiles only what it installs); compileall skips what is
# up to date, so this costs a second when nothing changed.
setup: $(VENV)/.synced
	@$(PY) -m compileall -q pipelines tests bench

# Chromium and CJK fonts for the PNG charts and the UI test (Debian packages; as root with
# apt this installs them, elsewhere it says what to install and the rest still works).
system:
	@bash scripts/install-system-deps.sh

demo: setup system
	GONGKAI_DATA_DIR=$(DATA_DIR) $(PY) -m pipelines demo-data
	GONGKAI_DATA_DIR=$(DATA_DIR) GONGKAI_AS_OF=$(DEMO_AS_OF) $(PY) -m pipelines build
	@echo
	@echo "演示数据：$(DATA_DIR)/raw/640521/"
	@echo "数据集市：$(DATA_DIR)/marts/gongkai.duckdb（只读打开，例如 .venv/bin/python -c \"import duckdb; print(duckdb.connect('$(DATA_DIR)/marts/gongkai.duckdb', read_only=True).sql('from quarantine'))\"）"
	@echo "界面：make ui"

build: setup
	GONGKAI_DATA_DIR=$(DATA_DIR) $(PY) -m pipelines build

# Two workers (pytest-xdist), a test module each at a time: the module's fixtures are built
# once, and one worker's subprocesses wait while the other computes (measured: 1,107 s serial,
# 567 s on two workers, 2 cores). Modules in collection order (tests/conftest.py puts the
# slowest first), not xdist's default of the most tests first, which left the few long
# tests of Dagster's services to run alone at the end.
TEST_WORKERS ?= 2

test: setup system
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# BENCH_ARGS, e.g. BENCH_ARGS="--sizes 1,22 --province 8" for a shorter run.
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

ui: setup
	@mkdir -p .dagster
	@cp $(DAGSTER_YAML) .dagster/dagster.yaml
	DAGSTER_HOME=$(CURDIR)/.dagster GONGKAI_DATA_DIR=$(DATA_DIR) $(VENV)/bin/dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

lab: setup
	$(PY) -m pipelines.notebooks.kernel
	GONGKAI_DATA_DIR=$(DATA_DIR) $(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir=$(CURDIR)/notebooks --MappingKernelManager.default_kernel_name=gongkai \
		--KernelManager.transport_encryption=auto $(if $(filter 0,$(shell id -u)),--allow-root,)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache
