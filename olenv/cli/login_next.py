"""olenv login -x: after each write, another role, another user, or the end.

Another role comes from the assertion this process (or the agent) holds: no
password and no MFA while it is valid. Each question reads its own answer: the
onelogin-aws-assume-role took the answer to its "other user?" question for the username.
"""

from olenv.errors import UsageError
from olenv.handover import awsfile

ROLE, USER, QUIT = range(3)
CHOICES = ["another AWS role (the same sign-in)", "another OneLogin user", "quit"]


def ask(login, section: str) -> None:
    terminal, settings = login.terminal, login.settings
    while (choice := _choose(terminal)) != QUIT:
        section = _section(terminal, section)
        if choice == USER:
            settings.username = terminal.ask("OneLogin username: ", "the OneLogin username")
            # The new user types their own password; the held one is the first user's.
            settings.password = settings.otp = None
            settings.mfa_device = login.mfa_device
        settings.aws_account_id = settings.aws_role_name = None  # the role menu again
        login.write(section, fresh=True)


def _choose(terminal) -> int:
    try:
        return terminal.choose("What next?", CHOICES, "what to do next")
    except UsageError:  # the terminal's end of input (Ctrl-D): as good as quit
        return QUIT


def _section(terminal, current: str) -> str:
    """The credentials file profile to write next; Enter keeps the last one."""
    while True:
        answer = terminal.ask(f"Profile to write [{current}]: ", "the profile to write")
        try:
            awsfile.check_section(answer or current)
        except UsageError as error:
            terminal.say(f"olenv: {error}")
            continue
        return answer or current
