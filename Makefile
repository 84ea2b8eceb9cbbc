# Neural Networks from Scratch: one command per job. Needs only Python 3.10+ (and, for a
# self-contained site, npm; without it the site loads MathJax and widgets from a CDN).
#   make book       build the website into _build/html (executes every notebook)
#   make lint       check the Python code with ruff (pyproject.toml says which rules)
#   make test-matrix  the same checks repeated across sandboxes, Gradescope's emulation, phone and
#                   dark mode (CI runs it after make test)
#   make test       run everything: package tests, notebooks, exercises, site build, browser tests
#   make exercises  generate student notebooks and autograders into _build/exercises
#   make pdf        build the whole book as one PDF, _build/pdf/book.pdf (LaTeX; installs
#                   Debian's TeX Live packages when missing and run as root)
#   make grade SUBMISSIONS=dir [GRADES=_build/grades] [ROSTER=csv] [HAND=csv] [ONLY=name]
#              [CELL_SECONDS=60] [RELEASE=1] [JOBS=2]   grade a folder of submissions (README: a term)
#   make bench      run the benchmarks, write benchmarks/results.{json,md}
#   make serve      serve _build/html on http://localhost:8000
#   make lock       re-pin requirements-lock.txt and binder/requirements.txt (UPGRADE=1: newest)
#   make test-readme  try the README's local install on a fresh virtual environment (slow)
#   make clean      remove _build (keep .venv);  make distclean  also removes .venv

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
PORT ?= 8000
SUBMISSIONS ?=
GRADES ?= _build/grades
ROSTER ?=
HAND ?=
ONLY ?=
CELL_SECONDS ?=
RELEASE ?=
JOBS ?= 2
HIDDEN_FEEDBACK ?= visible

# The kernel environment (this project's kernelspec, inline figures) is defined once, in
# tools/project.py; never export MPLBACKEND here: the book's kernels would draw no figures.
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test exercises grade system-packages lint bench serve clean distclean vendor install-book install-test \
        test-unit test-notebooks test-book test-site test-matrix test-readme lock pdf test-pdf

# ---------------------------------------------------------------------------------------------
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# One pinned environment for the book, the tests and grading: the lock holds every third-party
# package at an exact version (for every Python and platform), the course package goes on top
# without touching them. Nothing is resolved at install time.
LOCK := requirements-lock.txt

$(VENV)/.book-installed: $(LOCK) pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -r $(LOCK)
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" > /dev/null
	touch $@

# uv resolves once for Python >= 3.10 on every platform (CI runs 3.11, Binder 3.12); Binder gets
# the same pins for what a notebook needs (the course package with its plots extra, and
# binder/requirements.in), for its Python 3.12 on Linux.
UV_COMPILE = $(PY) -m uv pip compile -q --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: | $(VENV)/bin/python
	$(PY) -m pip install -q "uv>=0.9"
	$(UV_COMPILE) --universal --python-version 3.10 pyproject.toml --extra book --extra grading \
	    --extra test --extra autograder -o $(LOCK)
	$(UV_COMPILE) --universal --python-version 3.10 pyproject.toml --extra autograder \
	    --constraint $(LOCK) -o tools/grading/requirements.txt
	$(UV_COMPILE) --python-version $$(sed 's/^python-//' binder/runtime.txt) --python-platform linux \
	    pyproject.toml --extra plots binder/requirements.in --constraint $(LOCK) \
	    -o binder/requirements.txt
	@echo "Pinned: $(LOCK), tools/grading/requirements.txt (make grade and Gradescope) and binder/requirements.txt. Reinstall with 'make install-test'."

# The lock holds the book's, the tests' and grading's packages alike: one install serves all.
install-book: $(VENV)/.book-installed
install-test: $(VENV)/.book-installed

# ---------------------------------------------------------------------------------------------
vendor:
	@bash tools/vendor_assets.sh

exercises: install-book
	$(PY) -m tools.exercises build --hidden-feedback $(HIDDEN_FEEDBACK)

book: install-book vendor exercises
	$(PY) -m tools.build_book
	@echo "The site is ready: open file://$(CURDIR)/_build/html/index.html (or run 'make serve')."

# The PDF is not part of 'make test' (it would add about two minutes); CI builds and checks it
# in its own step: make pdf test-pdf
pdf: install-book
	$(PY) -m tools.build_pdf

test-pdf: install-test
	REQUIRE_PDF=1 $(PY) -m pytest tests/tools/test_pdf.py -q -p no:cacheprovider

# ---------------------------------------------------------------------------------------------
# ruff (pyproject.toml's [tool.ruff]): pyflakes, pycodestyle, import order; CI runs it before make test
lint: install-test
	$(PY) -m ruff check .

test: install-test
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory test-unit test-notebooks test-book test-site; \
	echo "make test: all stages passed in $$(( $$(date +%s) - start )) s"

# Two test workers on two cores: one BLAS thread each, or they oversubscribe the CPU (a BLAS-heavy
# notebook ran 3x slower next to another worker with 2 threads each).
PARALLEL_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

test-unit: install-test
	$(PARALLEL_ENV) MPLBACKEND=Agg $(PY) -m pytest tests -n 2 --dist loadscope --ignore=tests/site \
	    --ignore=tests/readme -q -m "not matrix"

# Every notebook of the book runs top to bottom on a fresh kernel (two at a time), with no error
# output, each cell within _config.yml's timeout; the results go into the jupyter-cache from
# which test-book (the site) and make pdf build, so each notebook runs once (tools/build_book.py).
test-notebooks: install-test
	$(PY) -m tools.build_book --execute-only

test-book: install-test vendor exercises
	$(PY) -m tools.build_book

# Browser tests of the built site (axe-core comes from `make vendor`); SITE_SCREENSHOTS=1 also
# saves every chapter's phone screenshots, light and dark, to _build/site-test/phone/.
test-site: install-test vendor
	$(PY) -m pytest tests/site -q -n 2 --dist loadgroup -p no:cacheprovider -m "not matrix"

# The repetitions make test leaves out (pytest's `matrix` mark): the hostile corpus in the fallback
# sandbox and through the emulated Gradescope in both sandboxes, the starving neighbour in the
# fallback with and without cgroups, and axe-core and the keyboard on a phone and in dark mode.
# About 7 minutes on 2 cores; .ci/run and the workflow run it after make test (it reads the
# site and the autograders make test built).
test-matrix: install-test vendor exercises
	$(PARALLEL_ENV) MPLBACKEND=Agg $(PY) -m pytest tests/exercises -n 2 --dist loadscope -q -m matrix
	$(PY) -m pytest tests/site -q -n 2 --dist loadgroup -p no:cacheprovider -m matrix

# Not part of `make test` (it installs JupyterLab and otter-grader into a new environment, which
# takes minutes); CI runs it as a step of its own.
test-readme: install-test
	$(PY) -m pytest tests/readme -q -s -p no:cacheprovider   # -s: prints the install time

# ---------------------------------------------------------------------------------------------
grade: install-book
	@command -v bwrap > /dev/null 2>&1 || echo "bubblewrap is not installed: grading uses its fallback sandbox (run 'make system-packages' as root to install it)"
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir [GRADES=$(GRADES)] [ROSTER=csv] [HAND=csv] [ONLY=name] [CELL_SECONDS=60] [RELEASE=1] [JOBS=2]"; exit 2; }
	$(PY) -m tools.exercises grade "$(SUBMISSIONS)" --out "$(GRADES)" --jobs $(JOBS) \
	    $(if $(ROSTER),--roster "$(ROSTER)") $(if $(HAND),--hand "$(HAND)") $(if $(ONLY),--only "$(ONLY)") \
	    $(if $(CELL_SECONDS),--cell-seconds $(CELL_SECONDS)) $(if $(RELEASE),--release)

# The Debian packages the tests and grading use, installed here and nowhere else (CI runs this
# once, before make lint and make test; make test never installs system packages): bubblewrap
# (the grading sandbox; without it grading uses its fallback), chromium (the browser tests; they
# skip without it), npm (MathJax, the widget manager and axe-core for a self-contained site) and
# python3-venv (the grading environment is built from the system's python3).
# Each Debian package is looked for by the command it provides (npm may come with another
# distribution's nodejs, which Debian's npm package would conflict with).
system-packages:
	@missing=$$(command -v bwrap > /dev/null || echo bubblewrap; \
	    command -v chromium > /dev/null || echo chromium; \
	    command -v npm > /dev/null || echo npm; \
	    python3 -c "import ensurepip" 2> /dev/null || echo python3-venv); missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then echo "system packages present: bubblewrap chromium npm python3-venv"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing > /dev/null; \
	else echo "missing Debian packages: $$missing (install them as root: apt-get install $$missing)"; exit 1; fi

# The bench extra (PyTorch for the comparisons, line_profiler) goes on top of the locked test
# environment, outside the lock: PyPI's torch for Linux is a CUDA build of several GB (this
# machine's pip finds the 190 MB CPU build on disk). The page-weight table weighs the site last
# built (make book); LIGHTHOUSE=1 adds Lighthouse's mobile scores of each chapter (npm lighthouse,
# run offline with the system Chromium).
$(VENV)/.bench-installed: $(VENV)/.book-installed pyproject.toml
	$(PY) -m pip install -q -e ".[bench]"
	touch $@

bench: install-test $(VENV)/.bench-installed
	@# torch is here: recompute the optimizer trajectories tests/mlp/test_optim.py records from it
	$(PY) -m pytest -q -p no:cacheprovider tests/mlp/test_optim.py -k recorded_trajectories
	$(PY) -m benchmarks.run $(if $(LIGHTHOUSE),--lighthouse)

serve:
	@test -f _build/html/index.html || { echo "no site yet: run 'make book' first"; exit 1; }
	@echo "Serving _build/html on http://localhost:$(PORT) (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV) _vendor node_modules
