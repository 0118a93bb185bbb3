"""The exceptions olenv turns into one line on stderr and an exit code.

0 success · 1 sign-in, API or AWS failure · 2 usage or configuration error ·
130 interrupted (KeyboardInterrupt, handled in the CLI).
"""


class OlenvError(Exception):
    """A failure the user should read as one line; never carries a secret."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(OlenvError):
    """Bad command line, bad settings, or a choice that needs a terminal."""

    exit_code = 2


class ConfigError(UsageError):
    """A settings file or value that olenv refuses to use."""


class SignInError(OlenvError):
    """OneLogin refused or failed the sign-in."""


class SamlError(OlenvError):
    """The SAML assertion is unusable."""


class AwsError(OlenvError):
    """STS refused or failed AssumeRoleWithSAML."""
