"""The course's addresses, written once in _config.yml, for every tool that needs them.

    release          the release tag students install (e.g. v2026.1); `repository.branch` is a
                     YAML alias of it, so the Binder and Colab launch buttons open that tag
    repository.url   the GitHub repository
    html.baseurl     the published site

Readers: `release()`, `repository()`, `site_url()`, `binderhub_url()`, and `requirement()`, the
pip requirement that installs the course package at the release (Colab cells).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
PACKAGE = "nn-from-scratch"

# A git tag or branch name: no spaces, no `..`, none of ~^:?*[\ (git check-ref-format).
_REF = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]*$")
_GITHUB = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def config() -> dict:
    """_config.yml as a dict (PyYAML resolves the `*release` alias)."""
    return yaml.safe_load(CONFIG.read_text())


def _field(cfg: dict, *keys: str):
    value = cfg
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise ValueError(f"_config.yml has no `{'.'.join(keys)}`; add it (see the comment at "
                             "the top of _config.yml for what it holds)")
        value = value[key]
    return value


def release() -> str:
    """The release tag (`release:` in _config.yml) that Colab, Binder and Gradescope install."""
    tag = _field(config(), "release")
    if not isinstance(tag, str) or not _REF.match(tag.strip()):
        raise ValueError("_config.yml `release:` must be a git tag name such as v2026.1 (quote it "
                         f"if YAML reads it as a number); got {tag!r}")
    return tag.strip()


def repository() -> tuple[str, str]:
    """(url, branch) from _config.yml's `repository:`; the branch is the release tag."""
    cfg = config()
    url = str(_field(cfg, "repository", "url")).rstrip("/")
    branch = str(_field(cfg, "repository", "branch"))
    if not _GITHUB.match(url):
        raise ValueError("_config.yml `repository.url` must look like "
                         "https://github.com/OWNER/NAME (Colab and Binder open GitHub "
                         f"repositories); got {url!r}")
    return url, branch


def site_url() -> str:
    """The published site's address (`html.baseurl`), ending in '/'."""
    url = str(_field(config(), "html", "baseurl")).strip()
    if not re.match(r"^https://[^\s/]+(/[^\s]*)?$", url):
        raise ValueError(f"_config.yml `html.baseurl` must be an https:// address; got {url!r}")
    return url if url.endswith("/") else url + "/"


def requirement() -> str:
    """The pip requirement for the course package at the release tag (no version pins on its
    dependencies: where it is installed, the package's ranges decide)."""
    url, _ = repository()
    return f"{PACKAGE} @ git+{url}@{release()}"


def binderhub_url() -> str:
    """The BinderHub the launch buttons use (`launch_buttons.binderhub_url`), without a final
    '/'."""
    return str(_field(config(), "launch_buttons", "binderhub_url")).rstrip("/")
