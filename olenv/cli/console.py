"""olenv console: the AWS console in a browser, signed in as the chosen role."""

import os
import sys

from olenv import console
from olenv.cli import options
from olenv.cli.common import notice, sign_in
from olenv.terminal import Terminal

USAGE = f"""\
olenv console: open the AWS console in a browser, signed in as the role.

Usage:
  olenv console [options]

Options:
  --destination=WHERE                 A service (s3, ec2...) or an https console URL
                                      (default: the console home of the region).
  --print                             Print the sign-in URL instead of opening it.
{options.SIGNING_IN}
{options.GENERAL}

Environment:
{options.SIGNING_IN_ENV}
  OLENV_FEDERATION_URL  Another AWS federation endpoint (https; http only to 127.0.0.1).

Examples:
  olenv console -p dev
  olenv console -p prod --destination s3
  olenv console -p dev --print
"""


def run(args) -> int:
    # Both are checked before the sign-in, not after.
    override = console.endpoint_override(os.environ.get("OLENV_FEDERATION_URL"))
    console.check_destination(args["--destination"])
    terminal = Terminal()
    credentials = sign_in(args, terminal)
    endpoint = console.federation_endpoint(credentials.region, override)
    token = console.signin_token(endpoint, credentials, console.session_duration(credentials))
    url = console.login_url(endpoint, token,
                            console.destination(credentials.region, args["--destination"]))
    browser = None
    if not args["--print"]:
        try:
            browser = console.choose_browser(interactive=terminal.interactive)
        except console.NoBrowser as why:
            notice(args, terminal, f"olenv: not opening a browser: {why}. The sign-in URL "
                                   "follows: open it yourself, and keep it to yourself")
    if browser is None:
        sys.stdout.write(url + "\n")
        return 0
    console.open_in_browser(url, browser)
    notice(args, terminal, f"olenv: opened the AWS console as {credentials.summary()}")
    return 0
