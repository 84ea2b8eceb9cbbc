"""The fallback sandbox without bubblewrap, as root: what the child does before it runs the runner.

``prepare(...)`` returns a function for ``subprocess.Popen(preexec_fn=...)``. In the forked child,
still root, it:

1. joins the submission's cgroup (when there is one);
2. unshares the mount, network, IPC and UTS namespaces: no network at all (not even the host's
   loopback), and mounts that only this process tree sees;
3. mounts small private tmpfs over every folder any user may write (/tmp, /var/tmp, /dev/shm,
   /run/lock), so nothing written there outlives the submission, reaches another one, or fills the
   host's disk;
4. covers /home (the host's homes) and the folders the grader names (the repository, the
   submissions, GRADES: ``GRADING_HIDE``) with empty tmpfs, then binds back read-only the one folder
   inside them that the process needs, its Python environment;
5. mounts the submission's home, ``/home/student`` as under bubblewrap: a private tmpfs owned by
   the submission's user id, with the grader's code and the public tests bound read-only inside
   (the autograder itself stays 0700: unreadable);
6. sets the resource limits, drops every group and switches to the submission's own user id, sets
   no_new_privs and installs the seccomp filter (grading.seccomp).

What stays weaker than bubblewrap: files elsewhere on the machine that every user may read stay
readable, and the processes of the host are visible in /proc (not their memory: another uid, and
ptrace is denied).
"""
from __future__ import annotations

import ctypes
import os
import resource

from . import seccomp

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET = (
    0x00020000, 0x04000000, 0x08000000, 0x40000000)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1, 2, 4, 32, 4096, 16384, 1 << 18)
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
HOME = "/home/student" if os.path.isdir("/home") and not os.path.islink("/home") else "/tmp/student"


def set_limits(limits) -> None:
    mb = 2**20
    cpu = int(limits.submission_cpu_s)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.pids, limits.pids))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def prepare(limits, uid: int, binds: dict, group=None, hide=(), keep=()):
    """The preexec function of the fallback sandbox. `binds`: {path inside HOME: host path},
    mounted read-only. `hide`: host folders covered by an empty tmpfs (the repository, the
    submissions, GRADES). `keep`: folders the process needs (its Python) that stay visible even
    when they lie inside a hidden one."""
    libc = ctypes.CDLL(None, use_errno=True)      # loaded before the fork
    program_ok = seccomp.supported()

    def check(result: int, what: str) -> None:
        if result != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"{what}: {os.strerror(err)}")

    def mount(source, target, fstype, flags, data) -> None:
        check(libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                         ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")

    def bind(fd: int, target: str) -> None:
        os.makedirs(target, exist_ok=True)
        mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC, None)
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)

    def child() -> None:
        if group is not None:
            group.join()
        os.umask(0o022)
        check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
        mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        # Handles on everything that must stay reachable, taken in the new namespace (a bind mount's
        # source must belong to it) before anything is covered.
        kept = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in keep if os.path.isdir(p)}
        bound = {inside: os.open(host, os.O_PATH | os.O_DIRECTORY)
                 for inside, host in binds.items()}
        size = f"size={limits.tmpfs_mb}m"
        covered = []
        for folder in WORLD_WRITABLE:
            if os.path.isdir(folder) and not os.path.islink(folder):
                mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"{size},mode=1777")
                covered.append(folder)
        if HOME.startswith("/home/"):
            mount("tmpfs", "/home", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
            covered.append("/home")
        for folder in sorted(set(hide), key=len):
            if os.path.isdir(folder) and not any(folder.startswith(c + "/") or folder == c
                                                 for c in covered):
                mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
                covered.append(folder)
        for path, fd in sorted(kept.items(), key=lambda item: len(item[0])):
            if any(path.startswith(c + "/") for c in covered):
                bind(fd, path)
        os.makedirs(HOME, exist_ok=True)
        mount("tmpfs", HOME, "tmpfs", MS_NOSUID | MS_NODEV, f"{size},mode=0700,uid={uid},gid={uid}")
        for inside, fd in bound.items():
            bind(fd, os.path.join(HOME, inside))
        for fd in [*kept.values(), *bound.values()]:
            os.close(fd)
        set_limits(limits)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        os.chdir(HOME)
        if program_ok:
            seccomp.install()
    return child
