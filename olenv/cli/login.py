"""olenv login: the seed's classic mode, writing a profile of the credentials file."""

from pathlib import Path

from olenv.cli.common import notice, sign_in
from olenv.credentials import iso
from olenv.handover import awsfile
from olenv.terminal import Terminal


def run(args) -> int:
    path = Path(args["--file"]).expanduser() if args["--file"] else awsfile.default_path()
    section = args["--profile"] or "default"
    awsfile.check_section(section)  # a bad name fails before the sign-in, not after
    terminal = Terminal()
    credentials = sign_in(args, terminal)
    written = awsfile.write(path, section, credentials)
    notice(args, terminal, f"olenv: wrote profile {section!r} to {written} "
                           f"({credentials.account_id}/{credentials.role_name}, "
                           f"expires {iso(credentials.expiration)})")
    return 0
