"""The GitHub Actions workflow: valid against GitHub's schema (checked offline), and it does what
the README promises: `make test` on every push and pull request, the tested site published to
GitHub Pages from main (with the PDF next to it), the built site kept for pull-request previews;
each notebook executed once per run, the environment and TeX cached, the PDF and the
autograders kept."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SITE = ROOT / ".github" / "workflows" / "site.yml"


def _offline_env() -> dict:
    """No way out: any attempt to fetch a schema fails at once instead of succeeding quietly."""
    dead = "http://127.0.0.1:9"
    return dict(os.environ, HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead,
                NO_PROXY="", no_proxy="")


def _validate(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", *map(str, paths)],
                          capture_output=True, text=True, env=_offline_env(), timeout=120)


def test_workflows_valid_against_githubs_schema_offline():
    assert WORKFLOWS, "no workflow in .github/workflows"
    proc = _validate(*WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(SITE.read_text().replace("runs-on:", "runs_on:", 1))
    proc = _validate(broken)
    assert proc.returncode == 1 and "runs_on" in proc.stdout, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def wf() -> dict:
    return yaml.safe_load(SITE.read_text())


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _uses(job: dict, action: str) -> list[dict]:
    return [s for s in _steps(job) if s.get("uses", "").split("@")[0] == action]


def _runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in _steps(job))


def test_runs_make_test_on_pushes_to_main_and_pull_requests(wf):
    on = wf.get("on", wf.get(True))   # YAML 1.1 reads a bare `on` as True
    assert on["push"]["branches"] == ["main"] and "pull_request" in on
    job = wf["jobs"]["test"]
    assert "if" not in job, "make test runs on every event"
    assert re.search(r"^make test$", _runs(job), re.M)
    setup = _uses(job, "actions/setup-python")
    assert setup and setup[0]["with"]["cache-dependency-path"].strip().startswith(
        "requirements-lock.txt")


def test_publishes_the_tested_site_to_pages_from_main_only(wf):
    jobs = wf["jobs"]
    kept = _uses(jobs["test"], "actions/upload-artifact")
    assert kept and kept[0]["with"]["path"] == "_build/html", "the pull-request preview"
    name = kept[0]["with"]["name"]
    publishers = [n for n, j in jobs.items() if _uses(j, "actions/upload-pages-artifact")]
    assert len(publishers) == 1
    publish = jobs[publishers[0]]
    assert publish["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert "test" in publish["needs"]
    fetched = _uses(publish, "actions/download-artifact")
    assert any(s["with"]["name"] == name and s["with"]["path"] == "_build/html" for s in fetched)
    assert _uses(publish, "actions/upload-pages-artifact")[0]["with"]["path"] == "_build/html"
    assert "test -f _build/html/book.pdf" in _runs(publish), "the PDF is published with the site"


def test_pdf_is_built_before_the_site_that_links_it(wf):
    """The site build copies _build/pdf/book.pdf into the site and links it (tools/build_pdf.py),
    so `make pdf` runs before the `make test` whose site is published."""
    runs = [s.get("run", "") for s in _steps(wf["jobs"]["test"])]
    pdf = next(i for i, r in enumerate(runs) if re.search(r"^make pdf\b", r, re.M))
    test = next(i for i, r in enumerate(runs) if re.search(r"^make test$", r, re.M))
    assert pdf < test and "test-pdf" in runs[pdf]
    assert "test -f _build/html/book.pdf" in "\n".join(runs[test:])


def test_deploy_job_as_github_documents_it(wf):
    deploy = next(j for j in wf["jobs"].values() if _uses(j, "actions/deploy-pages"))
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert _uses(deploy, "actions/deploy-pages")[0]["id"] == "deployment"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert wf["permissions"] == {"contents": "read"}, "everything else gets a read-only token"


def test_actions_are_githubs_own_at_a_major_version(wf):
    for name, job in wf["jobs"].items():
        for step in _steps(job):
            if "uses" in step:
                assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), (name, step["uses"])


def test_readme_install_test_has_its_own_ci_job(wf):
    assert re.search(r"^make test-readme$", _runs(wf["jobs"]["readme"]), re.M)


def _step_index(job: dict, pattern: str) -> int:
    runs = [s.get("run", "") for s in _steps(job)]
    return next(i for i, r in enumerate(runs) if re.search(pattern, r, re.M))


def test_each_notebook_is_executed_once_per_run(wf):
    """make test-notebooks executes every notebook into the jupyter-cache first; the PDF and
    make test (its site build and its own test-notebooks stage) read the cache, and
    BOOK_CACHED_ONLY=1 makes a second execution an error (tools/build_book.py)."""
    job = wf["jobs"]["test"]
    steps = _steps(job)
    first = _step_index(job, r"^make test-notebooks$")
    for later in (r"^make pdf\b", r"^make test$"):
        i = _step_index(job, later)
        assert first < i, f"{later} runs before the notebooks are executed"
        assert steps[i].get("env", {}).get("BOOK_CACHED_ONLY") == "1", f"{later} may execute again"
    assert not any("nbval" in s.get("run", "") for s in steps)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "cache", "the builds must read the cache"


def _cache_steps(job: dict) -> list[dict]:
    return _uses(job, "actions/cache")


def test_the_environment_and_tex_are_cached(wf):
    job = wf["jobs"]["test"]
    caches = {str(s["with"]["path"]): s for s in _cache_steps(job)}
    venv = caches[".venv"]
    key = venv["with"]["key"]
    assert "hashFiles('requirements-lock.txt'" in key and "python-version" in key, key
    hit = next(s for s in _steps(job)
               if s.get("if", "") == f"steps.{venv['id']}.outputs.cache-hit == 'true'")
    assert ".venv/.book-installed" in hit["run"], "a restored venv must not be reinstalled"
    apt = next(s for s in _steps(job) if "texlive-xetex" in s.get("run", ""))
    archives = "${{ env.APT_ARCHIVES }}"
    assert job["env"]["APT_ARCHIVES"] and archives in caches
    assert "Dir::Cache::Archives=\"$APT_ARCHIVES\"" in apt["run"]
    from tools import build_pdf

    assert all(p in apt["run"] for p in build_pdf.DEBIAN_PACKAGES), "the packages make pdf needs"
    assert "hashFiles('tools/build_pdf.py')" in caches[archives]["with"]["key"]


def test_the_pdf_and_the_autograders_are_kept(wf):
    kept = {s["with"]["name"]: s["with"]["path"]
            for s in _uses(wf["jobs"]["test"], "actions/upload-artifact")}
    assert kept.get("book-pdf") == "_build/pdf/book.pdf"
    assert kept.get("autograders") == "_build/exercises/autograder/*.zip"
    assert kept.get("site-html") == "_build/html"


def _make_dry_run(*targets: str) -> str:
    """What `make -n` would run for `targets` (make -n still runs recursive $(MAKE) lines, as
    dry runs: the stages of make test show up too)."""
    proc = subprocess.run(["make", "-n", "--no-print-directory", *targets], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_make_test_installs_no_system_packages():
    """Debian packages come from `make system-packages`, which CI runs once before make lint
    and make test; make test itself only installs Python packages into .venv."""
    assert "apt-get" not in _make_dry_run("test")
    assert "apt-get install" in _make_dry_run("system-packages")
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip().startswith("make ")]
    assert [c.split()[1] for c in ci] == ["system-packages", "lint", "test", "test-matrix"], ci


def test_lint_runs_ruff_with_the_projects_rules():
    assert re.search(r"-m ruff check \.$", _make_dry_run("lint"), re.M)
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-settings", "mlp"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    settings = proc.stdout
    assert re.search(r"^linter\.line_length = 100$", settings, re.M), "line length 100"
    enabled = re.search(r"^linter\.rules\.enabled = \[(.*?)^\]", settings, re.M | re.S)
    assert enabled, settings[:2000]
    for rule in ("unused-import (F401)", "unsorted-imports (I001)", "line-too-long (E501)"):
        assert rule in enabled.group(1), f"ruff does not select {rule}"
    assert "ambiguous-variable-name (E741)" not in enabled.group(1), "the lectures' l is allowed"


def test_the_workflow_runs_the_matrix_after_make_test(wf):
    """The repetitions make test leaves out (pytest -m matrix) run in CI too, reading the site
    and autograders that make test built, with no second execution of the notebooks."""
    job = wf["jobs"]["test"]
    test, matrix = _step_index(job, r"^make test$"), _step_index(job, r"^make test-matrix$")
    assert test < matrix
    assert _steps(job)[matrix].get("env", {}).get("BOOK_CACHED_ONLY") == "1"
    assert "not matrix" in _make_dry_run("test-unit") and "not matrix" in _make_dry_run("test-site")
    assert "-m matrix" in _make_dry_run("test-matrix")
