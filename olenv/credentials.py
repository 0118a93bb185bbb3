"""The Credentials value and the environment variables it becomes.

Which variables, and why (botocore facts):
- AWS_SECURITY_TOKEN is read before AWS_SESSION_TOKEN, so both get the same
  value; a stale inherited one would otherwise win.
- boto3 reads only AWS_DEFAULT_REGION, the CLI v2 and other SDKs AWS_REGION.
- AWS_CREDENTIAL_EXPIRATION makes botocore refuse expired keys with a clear
  error instead of 403s; AWS_SESSION_EXPIRATION is the peers' convention.
- Environment keys beat AWS_PROFILE, which is removed so nothing reads the
  wrong profile's settings.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Every variable olenv sets or clears, in the order it writes them.
MANAGED = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION",
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
    "OLENV_PROFILE", "OLENV_ACCOUNT_ID", "OLENV_ROLE",
)


def iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    region: str
    account_id: str
    role_name: str
    profile: str

    def minutes_left(self, now: datetime | None = None) -> int:
        now = now or datetime.now(timezone.utc)
        return max(0, int((self.expiration - now).total_seconds() // 60))

    def env(self) -> dict[str, str | None]:
        """Every managed variable: its new value, or None to remove it."""
        expiry = iso(self.expiration)
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_SESSION_TOKEN": self.session_token,
            "AWS_SECURITY_TOKEN": self.session_token,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_CREDENTIAL_EXPIRATION": expiry,
            "AWS_SESSION_EXPIRATION": expiry,
            "AWS_PROFILE": None,
            "AWS_DEFAULT_PROFILE": None,
            "OLENV_PROFILE": self.profile,
            "OLENV_ACCOUNT_ID": self.account_id,
            "OLENV_ROLE": self.role_name,
        }

    def process_json(self) -> str:
        """The AWS credential_process reply (Version 1)."""
        return json.dumps({
            "Version": 1,
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": iso(self.expiration),
        }, indent=2)

    def summary(self) -> str:
        """One line for people: never a secret."""
        from olenv.text import safe  # a profile, role or region can come from a file or a reply

        return safe(f"{self.profile} ({self.account_id}/{self.role_name}, {self.region}, "
                    f"{self.minutes_left()} min)")
