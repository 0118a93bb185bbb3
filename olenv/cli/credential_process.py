"""olenv credential-process: the JSON the AWS CLI and SDKs read from credential_process."""

import sys

from olenv.cli import options
from olenv.cli.common import sign_in

USAGE = f"""\
olenv credential-process: the JSON that the AWS CLI and SDKs read from credential_process.

Usage:
  olenv credential-process [options]

Options:
{options.SIGNING_IN}
{options.GENERAL}

Environment:
{options.SIGNING_IN_ENV}

Examples:
  # in ~/.aws/config:
  [profile dev]
  credential_process = olenv credential-process --profile dev
"""


def run(args) -> int:
    credentials = sign_in(args)
    sys.stdout.write(credentials.process_json() + "\n")
    return 0
