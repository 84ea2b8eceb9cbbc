"""A seccomp filter for the submission's processes: the system calls student code never needs.

The filter is a classic BPF program (``filter_program()``), handed to bubblewrap with ``--seccomp
FD`` or installed by the fallback sandbox with ``install()`` just before the runner starts. It
answers EPERM to:

- the kernel keyrings (``add_key``, ``request_key``, ``keyctl``): a uid's keyring outlives its
  processes, so it would carry data from one submission, or one run, to the next;
- new namespaces (``unshare``, ``setns``, and ``clone`` with any CLONE_NEW* flag; ``clone3`` answers
  ENOSYS, so the C library falls back to ``clone``, whose flags a classic filter can read);
- ``ptrace`` and reading or writing other processes' memory;
- mounting, ``chroot``, ``pivot_root``, and the kernel's administrative calls (modules, kexec,
  reboot, swap, clocks, BPF programs, perf events, io_uring, userfaultfd, file handles).

Every other call is allowed. A process of another architecture (x32 on x86-64, 32-bit code) is
refused: the program checks the architecture first. Only x86-64 and aarch64 are known; elsewhere
``supported()`` is False and the sandbox runs without the filter (and says so in its mode).
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

# name: (x86-64, aarch64) system call numbers (asm/unistd_64.h, asm-generic/unistd.h)
DENIED = {
    "add_key": (248, 217), "request_key": (249, 218), "keyctl": (250, 219),
    "unshare": (272, 97), "setns": (308, 268),
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "kcmp": (312, 272),
    "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51),
    "open_tree": (428, 428), "move_mount": (429, 429), "fsopen": (430, 430),
    "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433),
    "mount_setattr": (442, 442),
    "name_to_handle_at": (303, 264), "open_by_handle_at": (304, 265),
    "bpf": (321, 280), "perf_event_open": (298, 241), "userfaultfd": (323, 282),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426), "io_uring_register": (427, 427),
    "kexec_load": (246, 104), "kexec_file_load": (320, 294), "init_module": (175, 105),
    "finit_module": (313, 273), "delete_module": (176, 106), "reboot": (169, 142),
    "swapon": (167, 224), "swapoff": (168, 225), "acct": (163, 89), "quotactl": (179, 60),
    "settimeofday": (164, 170), "clock_settime": (227, 112), "adjtimex": (159, 171),
    "sethostname": (170, 161), "setdomainname": (171, 162), "syslog": (103, 116),
    "vhangup": (153, 58), "lookup_dcookie": (212, 18),
}
CLONE = (56, 220)
CLONE3 = (435, 435)
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
CLONE_NEW_FLAGS = (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
                   | 0x40000000)

ARCHES = {"x86_64": (0, 0xC000003E), "aarch64": (1, 0xC00000B7)}   # column, AUDIT_ARCH_*
X32_BIT = 0x40000000

# classic BPF
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW, RET_KILL_PROCESS, RET_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16     # struct seccomp_data (little-endian args)


def machine() -> str:
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(),
                                                         platform.machine().lower())


def supported() -> bool:
    return (os.uname().sysname == "Linux" and machine() in ARCHES
            and struct.pack("=H", 1) == b"\x01\x00")


def _ins(code: int, jt: int = 0, jf: int = 0, k: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def filter_program() -> bytes:
    """The filter as a sequence of `struct sock_filter` (8 bytes each), for this machine."""
    if not supported():
        raise OSError(f"no seccomp filter for {machine()}")
    column, audit_arch = ARCHES[machine()]
    denied = sorted({numbers[column] for numbers in DENIED.values()})
    eperm, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    prog = [_ins(LD_W_ABS, k=OFFSET_ARCH),
            _ins(JEQ_K, 1, 0, audit_arch),
            _ins(RET_K, k=RET_KILL_PROCESS),
            _ins(LD_W_ABS, k=OFFSET_NR)]
    if machine() == "x86_64":
        prog += [_ins(JGE_K, 0, 1, X32_BIT), _ins(RET_K, k=eperm)]
    # one comparison per denied call: on a match, jump to the EPERM return at the end of the list
    for i, nr in enumerate(denied):
        prog.append(_ins(JEQ_K, len(denied) - i + 5, 0, nr))   # lands on `ret eperm` below
    prog += [_ins(JEQ_K, 0, 1, CLONE3[column]),
             _ins(RET_K, k=enosys),
             _ins(JEQ_K, 0, 2, CLONE[column]),
             _ins(LD_W_ABS, k=OFFSET_ARG0),                # clone's flags (its first argument)
             _ins(JSET_K, 1, 0, CLONE_NEW_FLAGS),
             _ins(RET_K, k=RET_ALLOW),
             _ins(RET_K, k=eperm)]
    return b"".join(prog)


def install() -> None:
    """Install the filter on the calling process (and so on everything it starts). It sets
    no_new_privs first, as the kernel requires of an unprivileged process."""
    libc = ctypes.CDLL(None, use_errno=True)
    program = filter_program()
    buffer = ctypes.create_string_buffer(program, len(program))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
