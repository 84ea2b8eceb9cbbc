"""One control group per submission: CPU, memory and processes limited over ALL its processes,
its CPU time measured, and everything in it killed when it ends.

    group = cgroups.create("sub-3", cores=1, memory_mb=2048, pids=64)   # None when unavailable
    subprocess.Popen(..., preexec_fn=group.join)  # the sandbox's first process, and all it starts
    group.cpu_seconds()                           # CPU time of every process in it, ever
    group.kill(); group.remove()

Both cgroup versions are supported and detected at run time:

- **v2** (``/sys/fs/cgroup/cgroup.controllers``): groups are made under the grader's own cgroup
  (``/proc/self/cgroup``), delegated as the kernel requires: the controllers are enabled in the
  grader's cgroup, whose processes first move into a leaf ``grader`` group. Limits: ``cpu.max``,
  ``memory.max`` (and ``memory.swap.max`` 0), ``pids.max``; ``cgroup.kill`` ends every process.
- **v1** (one hierarchy per controller under ``/sys/fs/cgroup/<controller>``): the same group is
  made in the cpu, cpuacct, memory, pids and freezer hierarchies. Limits: ``cpu.cfs_quota_us``,
  ``memory.limit_in_bytes``, ``pids.max``; the freezer stops every process before it is killed, so
  a process that keeps forking cannot escape.

A process's children stay in its group whatever they do (``setsid``, double forks): the group, not
the process tree or the session, is what is limited and killed. ``status()`` says which version
is in use, or why none is (a container without a writable cgroup file system, not root, ...).
"""
from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
BASE = "nn-grading"              # this grader's groups: BASE-<grader pid>/<name>
V1_CONTROLLERS = ("cpu", "cpuacct", "memory", "pids", "freezer")
V2_CONTROLLERS = ("cpu", "memory", "pids")
PERIOD_US = 100_000


def _write(path: Path, value) -> None:
    with open(path, "w") as f:
        f.write(str(value))


def _read(path: Path) -> str:
    with open(path) as f:
        return f.read()


def _own_paths() -> dict:
    """This process's cgroup per hierarchy: {"": path} for v2, {controller: path} for v1."""
    out = {}
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        for c in controllers.split(",") if controllers else [""]:
            out[c] = path
    return out


class Group:
    """A submission's control group (in one or several hierarchies)."""

    def __init__(self, version: int, dirs: dict):
        self.version, self.dirs = version, dirs     # v2: {"": dir}; v1: {controller: dir}

    def _dir(self, controller: str) -> Path:
        return self.dirs["" if self.version == 2 else controller]

    def join(self) -> None:
        """Move the calling process into the group (run in the child, before it starts anything)."""
        pid = str(os.getpid())
        for d in {str(d) for d in self.dirs.values()}:
            _write(Path(d) / "cgroup.procs", pid)

    def pids(self) -> list[int]:
        seen = set()
        for d in self.dirs.values():
            try:
                seen.update(int(p) for p in _read(d / "cgroup.procs").split())
            except OSError:
                continue
        return sorted(seen)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) that every process of the group has used so far."""
        try:
            if self.version == 2:
                for line in _read(self._dir("cpu") / "cpu.stat").splitlines():
                    key, value = line.split()
                    if key == "usage_usec":
                        return int(value) / 1e6
                return 0.0
            return int(_read(self._dir("cpuacct") / "cpuacct.usage")) / 1e9
        except (OSError, ValueError):
            return 0.0

    def memory_peak_mb(self) -> float | None:
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int(_read(self._dir("memory") / name)) / 2**20
        except (OSError, ValueError):
            return None

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the group for exceeding its memory limit."""
        try:
            if self.version == 2:
                events = dict(line.split() for line in
                              _read(self._dir("memory") / "memory.events").splitlines())
                return int(events.get("oom_kill", 0)) > 0
            control = dict(line.split() for line in
                           _read(self._dir("memory") / "memory.oom_control").splitlines())
            return int(control.get("oom_kill", 0)) > 0
        except (OSError, ValueError):
            return False

    def kill(self, timeout: float = 10.0) -> bool:
        """Kill every process in the group; True once it is empty."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.pids():
                return True
            if self.version == 2 and (self._dir("") / "cgroup.kill").exists():
                try:
                    _write(self._dir("") / "cgroup.kill", 1)
                except OSError:
                    pass
            else:
                self._freeze_and_kill()
            if time.monotonic() > deadline:
                return not self.pids()
            time.sleep(0.02)

    def _freeze_and_kill(self) -> None:
        # Frozen processes cannot fork while their siblings are being killed.
        state = (self._dir("freezer") / "freezer.state" if self.version == 1
                 else self._dir("") / "cgroup.freeze")
        frozen, thawed = ("FROZEN", "THAWED") if self.version == 1 else ("1", "0")
        try:
            _write(state, frozen)
        except OSError:
            state = None
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if state is not None:
            try:
                _write(state, thawed)      # SIGKILL is delivered once the processes thaw
            except OSError:
                pass

    def remove(self) -> None:
        """Kill what is left and delete the group."""
        self.kill()
        for d in {str(d) for d in self.dirs.values()}:
            for _ in range(50):     # the kernel frees a group a moment after its last process
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


# ------------------------------------------------------------------------------------------------
class _Hierarchy:
    """Where this grader may create groups, found once per process."""

    def __init__(self):
        self.version, self.parents, self.reason = None, {}, ""
        try:
            self._detect()
        except OSError as exc:
            self.version, self.reason = None, (f"{exc.strerror or exc} "
                                               f"({getattr(exc, 'filename', '')})")

    def _detect(self) -> None:
        if os.geteuid() != 0:
            self.reason = "the grader does not run as root"
            return
        own = _own_paths()
        if (ROOT / "cgroup.controllers").exists():
            self._detect_v2(ROOT / own.get("", "/").lstrip("/"))
        elif all((ROOT / c).is_dir() for c in V1_CONTROLLERS):
            self.parents = {c: ROOT / c / own.get(c, "/").lstrip("/") / f"{BASE}-{os.getpid()}"
                            for c in V1_CONTROLLERS}
            for p in self.parents.values():
                p.mkdir(exist_ok=True)     # co-mounted controllers (cpu,cpuacct) share one
            self.version = 1
        else:
            self.reason = (f"no cgroup v2 controllers and no v1 hierarchies for "
                           f"{', '.join(V1_CONTROLLERS)} under {ROOT}")

    def _detect_v2(self, own: Path) -> None:
        available = set(_read(own / "cgroup.controllers").split())
        missing = set(V2_CONTROLLERS) - available
        if missing:
            self.reason = (f"cgroup v2 without the {', '.join(sorted(missing))} controller(s) "
                           f"in {own}")
            return
        enable = " ".join(f"+{c}" for c in V2_CONTROLLERS)
        try:
            _write(own / "cgroup.subtree_control", enable)
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
            # "no internal processes": the grader's own processes move to a leaf group first
            leaf = own / "grader"
            leaf.mkdir(exist_ok=True)
            for pid in _read(own / "cgroup.procs").split():
                try:
                    _write(leaf / "cgroup.procs", pid)
                except OSError:
                    pass
            _write(own / "cgroup.subtree_control", enable)
        parent = own / f"{BASE}-{os.getpid()}"
        parent.mkdir(exist_ok=True)
        _write(parent / "cgroup.subtree_control", enable)
        self.parents, self.version = {"": parent}, 2


_hierarchy: _Hierarchy | None = None


def _get() -> _Hierarchy:
    global _hierarchy
    if _hierarchy is None:
        _hierarchy = _Hierarchy()
        if _hierarchy.version:
            _cleanup_stale(_hierarchy)
    return _hierarchy


def status() -> str:
    """'v2', 'v1', or 'unavailable: <why>'."""
    if os.environ.get("GRADING_CGROUPS") == "off":
        return "unavailable: turned off (GRADING_CGROUPS=off)"
    h = _get()
    return f"v{h.version}" if h.version else f"unavailable: {h.reason}"


def create(name: str, cores: float = 1.0, memory_mb: int = 2048, pids: int = 64) -> Group | None:
    """A new, empty group with these limits, or None when groups are unavailable (see status())."""
    if not status().startswith("v"):
        return None
    h = _get()
    dirs = {c: p / name for c, p in h.parents.items()}
    if any(d.exists() for d in dirs.values()):      # left by an earlier grader with this pid
        Group(h.version, dirs).remove()
    for d in dirs.values():
        d.mkdir(exist_ok=True)                       # co-mounted controllers share a directory
    group = Group(h.version, dirs)
    quota = max(1000, int(cores * PERIOD_US))
    memory = memory_mb * 2**20
    if h.version == 2:
        d = dirs[""]
        _write(d / "cpu.max", f"{quota} {PERIOD_US}")
        _write(d / "memory.max", memory)
        if (d / "memory.swap.max").exists():
            _write(d / "memory.swap.max", 0)
        _write(d / "pids.max", pids)
    else:
        _write(dirs["cpu"] / "cpu.cfs_period_us", PERIOD_US)
        _write(dirs["cpu"] / "cpu.cfs_quota_us", quota)
        _write(dirs["memory"] / "memory.limit_in_bytes", memory)
        if (dirs["memory"] / "memory.memsw.limit_in_bytes").exists():
            try:
                _write(dirs["memory"] / "memory.memsw.limit_in_bytes", memory)
            except OSError:
                pass
        _write(dirs["pids"] / "pids.max", pids)
    return group


def _cleanup_stale(h: _Hierarchy) -> None:
    """Groups left by graders that were killed (their pid is gone): kill and remove them."""
    first = next(iter(h.parents.values()))
    for sibling in first.parent.glob(f"{BASE}-*"):
        try:
            owner = int(sibling.name.rsplit("-", 1)[1])
        except ValueError:
            continue
        if owner == os.getpid() or _alive(owner):
            continue
        stale = {c: p.parent / sibling.name for c, p in h.parents.items()}
        _remove_all(h.version, stale)


def _remove_all(version: int, parents: dict) -> None:
    """Remove every group under `parents` ({controller: dir}), then the parents themselves."""
    names = set()
    for p in parents.values():
        if p.is_dir():
            names.update(child.name for child in p.iterdir() if child.is_dir())
    for name in sorted(names):
        Group(version, {c: p / name for c, p in parents.items()}).remove()
    for p in {str(p) for p in parents.values()}:
        try:
            os.rmdir(p)
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def remove_owner(pid: int) -> None:
    """Kill and remove the groups of the grader process `pid` (after it was killed)."""
    if not status().startswith("v"):
        return
    h = _get()
    _remove_all(h.version, {c: p.parent / f"{BASE}-{pid}" for c, p in h.parents.items()})


def release() -> None:
    """Remove this grader's groups (killing anything left in them); called when grading ends."""
    h = _hierarchy
    if h and h.version:
        _remove_all(h.version, h.parents)
