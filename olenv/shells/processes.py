"""Who started olenv: a process's name and its parent, for shell detection.

One seam, two sources: /proc where there is one (Linux: one small read per
process, no import), else `ps` (macOS, the BSDs: one run lists every process).
Each lookup(pid) gives (name, parent pid), or None when that is not known.
"""

import os


def from_proc(pid: int) -> tuple[str, int] | None:
    """(name, parent pid) from /proc/PID/stat, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read(4096)
    except OSError:
        return None
    # "PID (NAME) STATE PPID ...": the name may hold spaces and ")", so split at the last ")".
    head, _, rest = stat.rpartition(b")")
    _, _, name = head.partition(b"(")
    fields = rest.split()
    if len(fields) < 2 or not fields[1].isdigit():
        return None
    return os.fsdecode(name), int(fields[1])


def from_ps():
    """A lookup over one listing of every process by `ps` (POSIX's -A and -o)."""
    import subprocess  # only here: the /proc path imports nothing

    try:
        listing = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "comm="],
                                 capture_output=True, text=True, errors="replace", timeout=10,
                                 stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""  # no ps, or it hung: nothing is known
    table: dict[int, tuple[str, int]] = {}
    for line in listing.splitlines():
        fields = line.split(None, 2)
        if len(fields) == 3 and fields[0].isdigit() and fields[1].isdigit():
            # macOS names the executable's path; a login shell's name starts with "-".
            table[int(fields[0])] = (os.path.basename(fields[2].strip()), int(fields[1]))
    return table.get


def has_proc() -> bool:
    return os.path.exists("/proc/self/stat")


def lookup():
    """The cheapest source this machine has."""
    return from_proc if has_proc() else from_ps()
