"""Where the allow list lives; plain os calls only, since the fast path's key stats these.

- `$XDG_DATA_HOME/olenv/allow` (default ~/.local/share/olenv/allow): what
  `olenv allow` records for good.
- `$XDG_RUNTIME_DIR/olenv/allow`, which the system empties at logout, for
  `olenv allow --session`. Without XDG_RUNTIME_DIR: $TMPDIR/olenv-UID-BOOT/allow,
  BOOT naming this boot (Linux's boot_id, else the boot time), so the entries
  are gone after a reboot. Anyone can create that name in /tmp first, so the
  directory counts only when it is ours, a real directory and private
  (olenv.trust checks it).
"""

import os

# Linux: a random id the kernel draws at each boot.
BOOT_ID = "/proc/sys/kernel/random/boot_id"


def data_store(env=os.environ) -> str:
    data = env.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative value is to be ignored.
    base = data if os.path.isabs(data) else os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "olenv", "allow")


def boot_key(boot_id: str = BOOT_ID) -> str:
    """A name for this boot: the kernel's boot id, else (no /proc) the boot time."""
    try:
        with open(boot_id, "rb") as file:
            found = file.read(64).decode("ascii").strip()
        if found and all(ch in "0123456789abcdef-" for ch in found):
            return found
    except (OSError, UnicodeDecodeError):
        pass
    import psutil  # sysctl kern.boottime on BSD and macOS; only where /proc is missing

    return f"t{int(psutil.boot_time())}"


def per_boot(env=os.environ, boot: str | None = None) -> str:
    """The directory that stands in for XDG_RUNTIME_DIR: one per uid and boot, in $TMPDIR
    or /tmp (whoever made it, olenv.trust uses it only when it is the user's alone)."""
    tmp = env.get("TMPDIR", "")
    tmp = tmp if os.path.isabs(tmp) else "/tmp"
    return os.path.join(tmp, f"olenv-{os.getuid()}-{boot or boot_key()}")


def session_store(env=os.environ) -> str:
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime):
        return os.path.join(runtime, "olenv", "allow")
    return os.path.join(per_boot(env), "allow")
