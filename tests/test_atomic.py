"""atomic.replace: watched through its system calls, the new data reaches the disk (fsync
on the temporary file) before the rename puts it in place; the file gets the mode asked
for, and a failure leaves no temporary file behind."""

import re
import stat
import subprocess
import sys

import pytest
from conftest import require

WRITE = ("import sys; from pathlib import Path; from olenv import atomic; "
         "atomic.replace(Path(sys.argv[1]), b'[dev]\\n' * 4096)")


def traced(tmp_path, argv, **kwargs) -> list[str]:
    """The openat/write/fsync/rename/close calls of argv (and its children), in order."""
    log = tmp_path / "strace.log"
    subprocess.run([require("strace"), "-f", "-y", "-qq", "-o", str(log), "-e",
                    "trace=open,openat,write,fsync,fdatasync,rename,renameat,renameat2,close",
                    *argv], check=True, timeout=120, capture_output=True, **kwargs)
    return [re.sub(r"^\d+\s+", "", line) for line in log.read_text().splitlines()]


def test_the_data_is_synced_to_disk_before_the_rename(tmp_path):
    target = tmp_path / "credentials"
    target.write_text("old\n")
    calls = traced(tmp_path, [sys.executable, "-c", WRITE, str(target)])
    temp = re.compile(re.escape(str(tmp_path)) + r"/\.credentials\.[^>\"]+")
    renames = [i for i, call in enumerate(calls) if re.match(r"rename(at2?)?\(", call)
               and temp.search(call) and call.rstrip().endswith(") = 0")]
    assert len(renames) == 1, calls[-20:]
    synced = [i for i, call in enumerate(calls)
              if re.match(r"f(data)?sync\(\d+<", call) and temp.search(call)]
    written = [i for i, call in enumerate(calls) if call.startswith("write(") and temp.search(call)]
    assert written and synced, calls[-20:]
    assert max(written) < min(synced) < renames[0]  # all data out, then fsync, then rename
    assert target.read_bytes() == b"[dev]\n" * 4096


def test_the_directory_is_synced_after_the_rename(tmp_path):
    target = tmp_path / "credentials"
    calls = traced(tmp_path, [sys.executable, "-c", WRITE, str(target)])
    rename = next(i for i, call in enumerate(calls) if re.match(r"rename(at2?)?\(", call))
    assert any(re.match(rf"fsync\(\d+<{re.escape(str(tmp_path))}>\) = 0", call)
               for call in calls[rename:])


@pytest.mark.parametrize("mode", [0o600, 0o601, 0o640, 0o644, 0o400])
def test_the_file_gets_the_mode_asked_for(tmp_path, mode):
    from olenv import atomic

    target = tmp_path / "file"
    atomic.replace(target, b"data", mode)
    assert stat.S_IMODE(target.stat().st_mode) == mode and target.read_bytes() == b"data"


def test_the_default_mode_is_private(tmp_path):
    from olenv import atomic

    target = tmp_path / "file"
    target.write_bytes(b"old")
    target.chmod(0o644)
    atomic.replace(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_rename_leaves_no_temporary_file(tmp_path):
    from olenv import atomic

    target = tmp_path / "credentials"
    (target / "inside").mkdir(parents=True)  # a non-empty directory: the rename fails
    with pytest.raises(OSError):
        atomic.replace(target, b"data", 0o640)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials"]
