"""`[profile NAME]` sections in the AWS config file, so every AWS tool can use olenv:

    [profile dev]
    credential_process = olenv credential-process --profile dev
    region = eu-west-1

New sections are appended; every byte already in the file stays as it is (comments,
blank lines, CRLF line endings, a missing final newline gets one before the new
text). A profile the file already has is left alone, whatever it holds. The file
is replaced atomically and keeps its mode; a symlink is followed, not replaced.
"""

import os
import re
import shlex
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from olenv import atomic
from olenv.errors import ConfigError

# A name botocore reads back as itself and a shell word that needs no quoting.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+@-]*\Z")
SAFE_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+\Z")
_SECTION = re.compile(rb"^[ \t]*\[([^\]\r\n]*)\]", re.MULTILINE)
MAX_SIZE = 1 << 20  # an AWS config file is a few KiB


def config_path(env=os.environ) -> Path:
    """AWS_CONFIG_FILE, else ~/.aws/config: where botocore and the AWS CLI look."""
    return Path(env.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()


def profiles_in(data: bytes) -> set[str]:
    """The profile names the file's sections define, as botocore reads them."""
    names = set()
    for match in _SECTION.finditer(data):
        words = match.group(1).decode("utf-8", "replace").split()
        if words == ["default"]:
            names.add("default")
        elif len(words) == 2 and words[0] == "profile":
            names.add(words[1])
    return names


def command(name: str, config_dir: str | None = None) -> str:
    """The credential_process line of a profile (botocore splits it as a shell would)."""
    words = ["olenv", "credential-process", "--profile", name]
    if config_dir:
        words += ["-c", os.path.abspath(os.path.expanduser(config_dir))]
    return " ".join(shlex.quote(word) for word in words)


@dataclass
class Plan:
    path: Path
    original: bytes
    added: dict[str, list[str]] = field(default_factory=dict)  # name: the section's lines
    present: list[str] = field(default_factory=list)  # names the file has already
    refused: dict[str, str] = field(default_factory=dict)  # name: why it is left out

    def text(self) -> bytes:
        """The whole new file: the original bytes, then the new sections."""
        if not self.added:
            return self.original
        ending = b"\r\n" if b"\r\n" in self.original else b"\n"
        out = [self.original]
        if self.original and not self.original.endswith((b"\n", b"\r")):
            out.append(ending)
        for lines in self.added.values():
            if b"".join(out).strip():
                out.append(ending)  # a blank line between sections, as people write them
            out.append(b"".join(line.encode() + ending for line in lines))
        return b"".join(out)


def read(path: Path) -> bytes:
    try:
        with open(path, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ConfigError(f"{path}: not a regular file")
            if info.st_size > MAX_SIZE:
                raise ConfigError(f"{path}: larger than {MAX_SIZE // 1024} KiB; not an AWS config file")
            return file.read(MAX_SIZE + 1)
    except FileNotFoundError:
        return b""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None


def plan(path: Path, regions: Mapping[str, str], config_dir: str | None = None) -> Plan:
    """What adding a section for each profile of `regions` (name: region) would do."""
    original = read(path)
    result = Plan(path, original)
    present = profiles_in(original)
    for name, region in regions.items():
        if name in present:
            result.present.append(name)
        elif not SAFE_NAME.match(name):
            result.refused[name] = "a name the AWS config file cannot hold as it is"
        elif not SAFE_REGION.match(region or ""):
            result.refused[name] = "its region is not an AWS region"
        else:
            result.added[name] = [f"[profile {name}]",
                                  f"credential_process = {command(name, config_dir)}",
                                  f"region = {region}"]
    return result


def write(change: Plan, config_dir: str | None = None) -> Path:
    """Write the sections of `change`, planned again on the file as it is now, so an edit
    made while the question was open is kept too."""
    target = Path(os.path.realpath(change.path))
    regions = {name: lines[-1].split(" = ", 1)[1] for name, lines in change.added.items()}
    return atomic.update(target, plan(target, regions, config_dir).text())
