"""Start the submission's process (grading/runner.py) in a sandbox, and stop it for good.

Modes, strongest first (``detect_mode()`` says which this machine allows):

- ``bubblewrap``: Debian's `bwrap`. The process sees a read-only system (/usr, the grading
  environment's Python, the grader's code and the course package), a private writable home and /tmp
  that are size-limited tmpfs (nothing reaches the disk), no network, its own PID namespace (every
  process it starts dies with it), no capabilities, a minimal environment and a user id of its own.
  It cannot see the repository, GRADES, the exercise masters, the hidden tests, the autograder zips
  or other submissions: they are not mounted.
- ``user`` (root without bubblewrap): grading.isolation: its own mount, network, IPC and UTS
  namespaces, private tmpfs over every world-writable folder and as its home, a user id of its own.
  Files elsewhere that every user may read stay readable.
- ``none`` (neither: not root): a new session, a private folder, a minimal environment. This is
  not isolation; grading warns about it.

In every mode: a fresh user id per start (where the mode switches users), the seccomp filter of
grading.seccomp (no keyrings, namespaces, ptrace or mounts), resource limits per process, and, where
the machine allows it, a cgroup per start (grading.cgroups) that limits CPU, memory and processes
over all its processes, measures its CPU time and kills every one of them at the end.
"""
from __future__ import annotations

import functools
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from . import cgroups, isolation, seccomp, wire
from .limits import Limits

RUNNER = "grading/runner.py"
UID_RANGE = range(61000, 65000)      # user ids for submissions (in the 16-bit range containers map)
MODES = ("bubblewrap", "user", "none")
UID_LOG: Path | None = None          # where the judge notes the user ids it hands out
_used_uids: set[int] = set()


@functools.lru_cache(maxsize=None)
def detect_mode() -> str:
    """The strongest mode this machine allows; GRADING_SANDBOX=user|none chooses a weaker one
    (to test the fallbacks, or where bubblewrap misbehaves)."""
    forced = os.environ.get("GRADING_SANDBOX")
    if forced:
        if forced not in MODES:
            raise SystemExit(f"GRADING_SANDBOX={forced!r}: expected one of {', '.join(MODES)}")
        if os.environ.get("GRADING_SANDBOX_CHECKED") == forced:  # the batch probed it once for all
            return forced
        if forced == "user" and not python_usable_by(UID_RANGE[0]):
            raise SystemExit("GRADING_SANDBOX=user needs root, and a Python environment that an "
                             f"unprivileged user can read ({_python()} is not)")
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
    return "user" if python_usable_by(UID_RANGE[0]) else "none"


def describe(mode: str) -> str:
    """The mode, and what else is in force: 'bubblewrap, cgroup v1, seccomp'."""
    parts = [mode]
    group = cgroups.status()
    parts.append(f"cgroup {group}" if group.startswith("v") else "no cgroups")
    parts.append("seccomp" if seccomp.supported() and mode != "none" else "no seccomp")
    return ", ".join(parts)


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
    """One line for the instructor when the sandbox is weaker than the full one."""
    notes = []
    if mode == "user":
        notes.append("bubblewrap (Debian package 'bubblewrap') is not available: student code runs "
                     "in the fallback sandbox (its own user id and namespaces, no network); it can "
                     "still read files that every user may read")
    elif mode == "none":
        notes.append("bubblewrap is not available and grading does not run as root: student code "
                     "runs with resource limits only, as the grading user, and can read and write "
                     "what you can. Install bubblewrap, or grade as root")
    group = cgroups.status()
    if not group.startswith("v"):
        notes.append(f"no per-submission cgroups ({group.split(': ', 1)[-1]}): limits are per "
                     "process and time is measured per process tree, so submissions graded at the "
                     "same time can slow each other down; grade with --jobs 1 for strict fairness")
    return ("warning: " + "; ".join(notes) + ".") if notes else None


def allocate_uid() -> tuple[int, int]:
    """A user id that no process uses now, that this grader has not handed out before, and that no
    other grader on the machine holds: (uid, the fd of its lock, to close when done)."""
    import fcntl

    import psutil

    busy = set()
    for p in psutil.process_iter(["uids"]):
        try:
            busy.add(p.info["uids"].real)
        except (psutil.Error, AttributeError):
            continue
    locks = _uid_locks()
    locks.mkdir(mode=0o700, exist_ok=True)
    free = [u for u in UID_RANGE if u not in busy and u not in _used_uids]
    if len(free) < 10:
        _used_uids.clear()
        free = [u for u in UID_RANGE if u not in busy]
    for uid in random.SystemRandom().sample(free, len(free)):
        fd = os.open(locks / str(uid), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        _used_uids.add(uid)
        return uid, fd
    raise RuntimeError("no free user id for the sandbox")


def _uid_locks() -> Path:
    return Path(tempfile.gettempdir()) / "nn-grading-uids"


def held_by_a_grader(uid: int) -> bool:
    """Whether a grader on this machine holds `uid` now. It took it when no process ran as that
    user, so the processes of `uid` are that grader's, not leftovers of an earlier submission."""
    import fcntl

    try:
        fd = os.open(_uid_locks() / str(uid), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)          # and with it the shared lock just taken
    return False


def used_uids() -> list[int]:
    """The user ids this process has handed out (the judge lists them for the instructor)."""
    return sorted(_used_uids)


def _environment(home: str, python: Path) -> dict:
    return {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": home, "TMPDIR": "/tmp",
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/matplotlib",
            "IPYTHONDIR": "/tmp/ipython", "JUPYTER_CONFIG_DIR": "/tmp/jupyter",
            "JUPYTER_PLATFORM_DIRS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


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

    def __init__(self, grader_dir: Path, public_tests: Path | None = None,
                 limits: Limits | None = None, mode: str | None = None, name: str = "submission"):
        self.grader_dir, self.public_tests = Path(grader_dir), public_tests
        self.limits = limits or Limits()
        self.mode = mode or detect_mode()
        self.name = name
        self.uid: int | None = None
        self.group: cgroups.Group | None = None
        self.proc: subprocess.Popen | None = None
        self.private: str | None = None
        self._fds: tuple = ()
        self._uid_lock: int | None = None

    # -- starting ------------------------------------------------------------------------------
    def _preexec(self):
        group, limits = self.group, self.limits

        def child():
            if group is not None:
                group.join()
            isolation.set_limits(limits)
        return child

    def _bubblewrap(self, runner: list[str], seccomp_fd: int | None) -> list[str]:
        home = "/home/student"
        size = str(self.limits.tmpfs_mb * 2**20)
        # Order matters: the private /tmp first, so that a Python environment that lives under /tmp
        # (as in a test) is mounted over it rather than hidden by it.
        cmd = [shutil.which("bwrap"), "--unshare-pid", "--unshare-net", "--unshare-ipc",
               "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent", "--new-session",
               "--proc", "/proc", "--dev", "/dev",
               "--perms", "1777", "--size", size, "--tmpfs", "/tmp",
               "--perms", "1777", "--size", size, "--tmpfs", home,
               *_system_binds(), "--ro-bind", str(self.grader_dir), "/grader"]
        if self.public_tests:
            cmd += ["--ro-bind", str(self.public_tests), f"{home}/tests"]
        cmd += ["--chdir", home, "--clearenv"]
        for key, value in _environment(home, _python()).items():
            cmd += ["--setenv", key, value]
        if seccomp_fd is not None:
            cmd += ["--seccomp", str(seccomp_fd)]
        if os.geteuid() == 0:
            cmd += [shutil.which("setpriv"), f"--reuid={self.uid}", f"--regid={self.uid}",
                    "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        else:
            cmd.insert(1, "--unshare-user")
        return cmd + runner

    def start(self) -> wire.Channel:
        _become_subreaper()
        to_runner_r, to_runner_w = os.pipe()
        from_runner_r, from_runner_w = os.pipe()
        self._fds = (from_runner_r, to_runner_w)
        keep = [to_runner_r, from_runner_w]
        python = _python()
        self.uid, self._uid_lock = allocate_uid() if os.geteuid() == 0 else (None, None)
        if self.uid is not None and UID_LOG is not None:     # for stop_leftovers, if the judge dies
            with open(UID_LOG, "a") as log:
                log.write(f"{self.uid}\n")
        self.group = cgroups.create(f"{self.name}-{os.getpid()}-{self.uid or 0}",
                                    cores=self.limits.cores, memory_mb=self.limits.memory_mb,
                                    pids=self.limits.pids)
        runner_args = [str(python), "-I", "-B"]
        popen: dict = {"stdin": subprocess.DEVNULL, "start_new_session": True}
        seccomp_r = None
        try:
            if self.mode == "bubblewrap":
                if seccomp.supported():
                    seccomp_r, seccomp_w = os.pipe()
                    os.write(seccomp_w, seccomp.filter_program())
                    os.close(seccomp_w)
                    keep.append(seccomp_r)
                cmd = self._bubblewrap(
                    [*runner_args, f"/grader/{RUNNER}", str(to_runner_r), str(from_runner_w)],
                    seccomp_r)
                popen.update(env={"PATH": "/usr/bin:/bin"}, preexec_fn=self._preexec())
            elif self.mode == "user":
                binds = {"grader": str(self.grader_dir)}
                if self.public_tests:
                    binds["tests"] = str(self.public_tests)
                cmd = [*runner_args, os.path.join(isolation.HOME, "grader", RUNNER),
                       str(to_runner_r), str(from_runner_w)]
                hide = [p for p in os.environ.get("GRADING_HIDE", "").split(os.pathsep) if p]
                needed = sorted({str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix)})
                popen.update(env=_environment(isolation.HOME, python),
                             preexec_fn=isolation.prepare(self.limits, self.uid, binds, self.group,
                                                          hide=hide, keep=needed))
            else:
                self.private = tempfile.mkdtemp(prefix=f"submission-{os.getpid()}-")
                if self.public_tests:
                    shutil.copytree(self.public_tests, os.path.join(self.private, "tests"))
                grader = os.path.join(self.private, "grader")
                shutil.copytree(self.grader_dir, grader,
                                ignore=shutil.ignore_patterns("__pycache__"))
                env = _environment(self.private, python)
                env["TMPDIR"] = env["MPLCONFIGDIR"] = env["IPYTHONDIR"] = \
                    env["JUPYTER_CONFIG_DIR"] = self.private
                cmd = [*runner_args, os.path.join(grader, RUNNER), str(to_runner_r),
                       str(from_runner_w)]
                popen.update(env=env, cwd=self.private, preexec_fn=self._preexec())
            with open(os.devnull, "wb") as devnull:
                self.proc = subprocess.Popen(cmd, stdout=devnull, stderr=devnull,
                                             pass_fds=tuple(keep), **popen)
        finally:
            for fd in keep:
                os.close(fd)
        return wire.Channel(from_runner_r, to_runner_w)

    # -- while it runs -------------------------------------------------------------------------
    def cpu_seconds(self) -> float:
        """CPU time used so far by every process of this start of the submission."""
        if self.group is not None:
            return self.group.cpu_seconds()
        import psutil

        total = 0.0
        try:
            root = psutil.Process(self.proc.pid)
            procs = [root, *root.children(recursive=True)]
        except (psutil.Error, AttributeError):
            procs = []
        if self.uid is not None and self.mode == "user":
            procs += [p for p in psutil.process_iter(["uids"])
                      if p.info["uids"] and p.info["uids"].real == self.uid]
        for p in {p.pid: p for p in procs}.values():
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                continue
        return total

    def pids(self) -> list[int]:
        if self.group is not None:
            return self.group.pids()
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            return [root.pid, *(p.pid for p in root.children(recursive=True))]
        except (psutil.Error, AttributeError):
            return []

    def waiting_seconds(self) -> float | None:
        """Time the submission's live threads have spent runnable but waiting for a CPU (from
        /proc/<pid>/task/<tid>/schedstat); None where the kernel does not keep it."""
        total, seen = 0.0, False
        for pid in self.pids():
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tasks:
                try:
                    with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                        total += int(f.read().split()[1]) / 1e9
                        seen = True
                except (OSError, ValueError, IndexError):
                    continue
        return total if seen else None

    def out_of_memory(self) -> bool:
        return self.group is not None and self.group.out_of_memory()

    # -- stopping ------------------------------------------------------------------------------
    def stop(self) -> None:
        """Kill the submission's process and everything it started; remove what it left."""
        if self.proc is not None:
            if self.group is not None:
                self.group.kill()
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            _reap()
            if self.uid is not None and self.mode != "bubblewrap":
                kill_user(self.uid)
        if self.group is not None:
            self.group.remove()
            self.group = None
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = ()
        if self.private:
            shutil.rmtree(self.private, ignore_errors=True)
            self.private = None
        if self._uid_lock is not None:        # only now may another grader use this uid
            os.close(self._uid_lock)
            self._uid_lock = None


_subreaper = False


def _become_subreaper() -> None:
    """Orphans of the submission (a child whose parent it killed) become this process's children,
    so that _reap() collects them: a container's init may never reap a zombie."""
    global _subreaper
    if not _subreaper and sys.platform.startswith("linux"):
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        _subreaper = True


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_user(uid: int, rounds: int = 50) -> bool:
    """Kill every process of `uid` (a submission's own user id runs nothing else), again and again
    until none is left: a process that keeps forking is caught between two rounds. True when none
    is left."""
    import time

    import psutil

    for _ in range(rounds):
        victims = [p for p in psutil.process_iter(["uids"])
                   if p.info["uids"] and p.info["uids"].real == uid]
        if not victims:
            return True
        for p in victims:
            try:
                p.send_signal(signal.SIGSTOP)      # stopped processes cannot fork meanwhile
            except psutil.Error:
                pass
        for p in victims:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(victims, timeout=1)
        time.sleep(0.01)
    return False


def stop_leftovers(judge_pid: int, uid_log: Path | None) -> None:
    """After a judge was killed: whatever its sandboxes left. Under bubblewrap nothing is left (the
    sandbox dies with its parent); otherwise kill its cgroups and its user ids' processes, and
    remove its private folders."""
    cgroups.remove_owner(judge_pid)
    try:
        uids = {int(line) for line in Path(uid_log).read_text().split()} if uid_log else set()
    except (OSError, ValueError):
        uids = set()
    for uid in uids:
        kill_user(uid)
    for leftover in Path(tempfile.gettempdir()).glob(f"submission-{judge_pid}-*"):
        shutil.rmtree(leftover, ignore_errors=True)
