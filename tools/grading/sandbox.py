"""Start the submission's process (grading/runner.py) in a sandbox, and stop it for good.

Modes, strongest first (``detect_mode()`` says which this machine allows):

- ``bubblewrap``: Debian's `bwrap`. The process sees a read-only system (/usr, the Python
  installation and its virtual environment, the grader's code and the course package), a private
  writable home and /tmp that are size-limited tmpfs (nothing reaches the disk), no network, its
  own PID namespace (every process it starts dies with it), no capabilities, a minimal environment,
  and it runs as an unprivileged user id. Data sets that would give away held-out test data
  (scikit-learn's copy of the digits) are hidden. It cannot see the repository, GRADES, the exercise
  masters, the hidden tests, the autograder zips or other submissions: they are not mounted.
- ``user`` (root without bubblewrap): the process runs as an unprivileged user id of its own in a
  private 0700 folder with a minimal environment; files that are readable by everybody stay
  readable. Stopping it kills every process of that user id.
- ``none`` (neither): a new session, a private folder, a minimal environment.

In every mode: resource limits on CPU seconds, address space, file size, processes and core dumps.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from . import wire

RUNNER = "grading/runner.py"
BASE_UID = 61000            # one unprivileged user id per parallel grading slot: 61000, 61001, ...


@dataclasses.dataclass
class Limits:
    cpu_s: int = 300         # CPU seconds of the whole submission process
    memory_mb: int = 3072    # address space per process
    file_mb: int = 64        # largest file it may write
    nproc: int = 64          # processes and threads of its user id
    tmpfs_mb: int = 128      # size of its private home and of its /tmp


MODES = ("bubblewrap", "user", "none")


@functools.lru_cache(maxsize=None)
def detect_mode() -> str:
    """The strongest mode this machine allows; GRADING_SANDBOX=user|none chooses a weaker one
    (to test the fallbacks, or where bubblewrap misbehaves)."""
    forced = os.environ.get("GRADING_SANDBOX")
    if forced:
        if forced not in MODES:
            raise SystemExit(f"GRADING_SANDBOX={forced!r}: expected one of {', '.join(MODES)}")
        if forced == "user" and not python_usable_by(BASE_UID):
            raise SystemExit("GRADING_SANDBOX=user needs root, and a Python environment that an "
                             "unprivileged user can read (this one is not)")
        return forced
    bwrap = shutil.which("bwrap")
    if bwrap:
        probe = [bwrap, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--new-session",
                 "--die-with-parent", "--proc", "/proc", "--dev", "/dev"]
        if os.geteuid() != 0:
            probe.append("--unshare-user")
        elif shutil.which("setpriv") is None:
            probe = None
        if probe and subprocess.run(probe + ["true"], capture_output=True).returncode == 0:
            return "bubblewrap"
    return "user" if python_usable_by(BASE_UID) else "none"


def _python() -> Path:
    """This environment's python, by the resolved path of the environment."""
    return Path(sys.prefix).resolve() / "bin" / Path(sys.executable).name


def python_usable_by(uid: int) -> bool:
    """Whether this environment's Python runs, with its packages, as `uid` (root can switch)."""
    if os.geteuid() != 0:
        return False
    check = f"import sys, numpy, IPython; assert sys.prefix == {str(Path(sys.prefix).resolve())!r}"
    try:
        return subprocess.run([str(_python()), "-I", "-c", check], user=uid, group=uid,
                              extra_groups=[], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def warning(mode: str) -> str | None:
    if mode == "bubblewrap":
        return None
    what = ("runs as an unprivileged user with resource limits; it can still read files that "
            "every user may read" if mode == "user" else
            "runs with resource limits only, as the grading user: it can read and write what you can "
            "(run as root, with a Python environment every user can read, for an unprivileged user)")
    return (f"warning: bubblewrap (Debian package 'bubblewrap') is not available, so student code "
            f"{what}. Install bubblewrap for the full sandbox.")


def _limit(limits: Limits):
    def apply():
        mb = 2**20
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc, limits.nproc))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _environment(home: str, python: Path) -> dict:
    return {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": home, "TMPDIR": "/tmp",
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/matplotlib",
            "IPYTHONDIR": "/tmp/ipython", "JUPYTER_CONFIG_DIR": "/tmp/jupyter",
            "JUPYTER_PLATFORM_DIRS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


# Data sets installed with other packages that would hand a notebook graded data: scikit-learn
# ships the full digits set, of which exercise 7 holds 300 back for grading. Hidden (an empty
# tmpfs over the folder) under bubblewrap.
HIDDEN_DATA = (("sklearn", ("datasets", "data")),)


def _hidden_data() -> list[str]:
    import importlib.util

    args = []
    for package, parts in HIDDEN_DATA:
        spec = importlib.util.find_spec(package)
        if spec and spec.origin:
            folder = Path(spec.origin).resolve().parent.joinpath(*parts)
            if folder.is_dir():
                args += ["--tmpfs", str(folder)]
    return args


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for d in ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"):
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for f in ("/etc/ld.so.cache", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
              "/etc/localtime", "/etc/alternatives"):
        args += ["--ro-bind-try", f, f]
    prefixes = sorted({Path(p).resolve() for p in (sys.base_prefix, sys.prefix)})
    made = set()
    for p in prefixes:
        if str(p).startswith("/usr/"):
            continue
        for parent in reversed(p.parents):    # bwrap would create them 0700: unreadable to the uid
            if parent != Path("/") and parent not in made:
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
        args += ["--ro-bind", str(p), str(p)]
    return args


class Sandbox:
    """One running submission process; ``start()`` returns the channel to it."""

    def __init__(self, grader_dir: Path, public_tests: Path | None = None, slot: int = 0,
                 limits: Limits | None = None, mode: str | None = None):
        self.grader_dir, self.public_tests = Path(grader_dir), public_tests
        self.uid = BASE_UID + slot
        self.limits = limits or Limits()
        self.mode = mode or detect_mode()
        self.proc: subprocess.Popen | None = None
        self.private: str | None = None

    def _command(self, read_fd: int, write_fd: int) -> tuple[list[str], dict, str | None]:
        # The environment's own python, by the resolved path the sandbox mounts (a venv reached
        # through a symbolic link would not be found inside).
        python = _python()
        runner_args = [str(python), "-I", "-B"]
        if self.mode == "bubblewrap":
            home = "/home/student"
            # Order matters: the private /tmp first, so that a Python environment that lives
            # under /tmp (as in a test) is mounted over it rather than hidden by it.
            cmd = [shutil.which("bwrap"), "--unshare-pid", "--unshare-net", "--unshare-ipc",
                   "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                   "--proc", "/proc", "--dev", "/dev",
                   "--perms", "1777", "--size", str(self.limits.tmpfs_mb * 2**20), "--tmpfs", "/tmp",
                   "--perms", "1777", "--size", str(self.limits.tmpfs_mb * 2**20), "--tmpfs", home,
                   *_system_binds(), *_hidden_data(),
                   "--ro-bind", str(self.grader_dir), "/grader"]
            if self.public_tests:
                cmd += ["--ro-bind", str(self.public_tests), f"{home}/tests"]
            cmd += ["--chdir", home, "--clearenv"]
            for key, value in _environment(home, python).items():
                cmd += ["--setenv", key, value]
            if os.geteuid() == 0:
                cmd += [shutil.which("setpriv"), f"--reuid={self.uid}", f"--regid={self.uid}",
                        "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
            else:
                cmd.insert(1, "--unshare-user")
            cmd += [*runner_args, f"/grader/{RUNNER}", str(read_fd), str(write_fd)]
            return cmd, {}, None
        self.private = tempfile.mkdtemp(prefix=f"submission-slot{self.uid - BASE_UID}-")
        os.chmod(self.private, 0o700)
        if self.public_tests:
            shutil.copytree(self.public_tests, os.path.join(self.private, "tests"))
        # A copy of the grader's code inside the private folder: its own folder may be unreadable
        # to the sandbox's user (it sits next to the hidden tests).
        grader = os.path.join(self.private, "grader")
        shutil.copytree(self.grader_dir, grader, ignore=shutil.ignore_patterns("__pycache__"))
        extra = {}
        if self.mode == "user":
            for root, dirs, files in os.walk(self.private):
                for name in [root, *(os.path.join(root, f) for f in dirs + files)]:
                    os.chown(name, self.uid, self.uid)
            extra = {"user": self.uid, "group": self.uid, "extra_groups": []}
        env = _environment(self.private, python)
        env["TMPDIR"] = self.private
        env["MPLCONFIGDIR"] = env["IPYTHONDIR"] = env["JUPYTER_CONFIG_DIR"] = self.private
        cmd = [*runner_args, os.path.join(grader, RUNNER), str(read_fd), str(write_fd)]
        return cmd, {"env": env, **extra}, self.private

    def start(self) -> wire.Channel:
        to_runner_r, to_runner_w = os.pipe()
        from_runner_r, from_runner_w = os.pipe()
        cmd, extra, cwd = self._command(to_runner_r, from_runner_w)
        with open(os.devnull, "wb") as devnull:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=devnull, stderr=devnull, cwd=cwd,
                pass_fds=(to_runner_r, from_runner_w), start_new_session=True,
                preexec_fn=_limit(self.limits), env=extra.pop("env", {"PATH": "/usr/bin:/bin"}),
                **extra)
        os.close(to_runner_r)
        os.close(from_runner_w)
        self._fds = (from_runner_r, to_runner_w)
        return wire.Channel(from_runner_r, to_runner_w)

    def stop(self) -> None:
        """Kill the submission's process and everything it started; remove its private folder."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            if self.mode == "user":
                _kill_user(self.uid)
            for fd in self._fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
        if self.private:
            shutil.rmtree(self.private, ignore_errors=True)
            self.private = None


def _kill_user(uid: int) -> None:
    """Every process of this grading slot's user id (it runs nothing else)."""
    import psutil

    victims = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
    for p in victims:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=5)


def stop_slot(slot: int) -> None:
    """After a judge was killed: stop whatever its sandbox left. Under bubblewrap nothing is left
    (the sandbox dies with its parent); under the fallbacks, kill the slot's user id's processes
    and remove the slot's private folders."""
    if detect_mode() == "user":
        _kill_user(BASE_UID + slot)
    if detect_mode() != "bubblewrap":
        for leftover in Path(tempfile.gettempdir()).glob(f"submission-slot{slot}-*"):
            shutil.rmtree(leftover, ignore_errors=True)
