#!/usr/bin/env bash
# Installs the grading environment: a virtual environment with the packages of
# requirements.txt (pinned from the course's lock; the course package itself comes unpacked in
# grader/mlp). Gradescope runs it once, when it builds the autograder's image; `make grade` runs
# the same script for its own environment (_build/grading), so both grade with the same packages.
#   AUTOGRADER_ROOT  where the environment goes, as $AUTOGRADER_ROOT/venv (default /autograder)
#   SETUP_PYTHON     the Python to build it from (default python3; 3.10 or newer)
#   SKIP_APT         set to skip installing bubblewrap and python3-venv with apt-get
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${SETUP_PYTHON:-python3}"

if [ -z "${SKIP_APT:-}" ] && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap python3-venv > /dev/null) \
        || echo "warning: could not install bubblewrap; grading will use the fallback sandbox"
fi
if ! command -v "$PYTHON" > /dev/null; then
    echo "setup.sh: '$PYTHON' was not found. Install Python 3.10 or newer, or set SETUP_PYTHON." >&2
    exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    echo "setup.sh: grading needs Python 3.10 or newer, and '$PYTHON' is $("$PYTHON" -V 2>&1)." \
         "On Gradescope, choose the base image Ubuntu 22.04 (Python 3.10) or newer." >&2
    exit 1
fi
rm -rf "$ROOT/venv"
"$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install -q --disable-pip-version-check -r "$SOURCE/requirements.txt"
sha256sum "$SOURCE/requirements.txt" "$SOURCE/setup.sh" | cut -d' ' -f1 > "$ROOT/venv/installed-from"
echo "grading environment ready: $ROOT/venv ($("$ROOT/venv/bin/python" -V 2>&1))"
