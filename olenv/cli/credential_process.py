"""olenv credential-process: the JSON the AWS CLI and SDKs read from credential_process."""

import sys

from olenv.cli.common import sign_in


def run(args) -> int:
    credentials = sign_in(args)
    sys.stdout.write(credentials.process_json() + "\n")
    return 0
