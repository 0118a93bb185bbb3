"""AssumeRoleWithSAML through boto3, imported only when a role is really assumed.

The call is unsigned (the SAML assertion is the credential), so botocore never
walks the credential chain. AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL keep
working because botocore reads them itself. Errors are told apart by their
code, not their text.
"""

import os
import threading

from olenv import background
from olenv.errors import AwsError

_warm: threading.Thread | None = None
_clients: dict[str, object] = {}  # region → STS client, built once a run


def warm_up(region: str | None = None, first=None) -> None:
    """Import boto3 and build the STS client for `region` in the background, while the
    user types a password or OneLogin answers: the assertion then goes straight to AWS
    instead of waiting for botocore's loader, endpoint data and service model.
    first: what that thread prepares before, for what the sign-in needs sooner."""
    global _warm
    if _warm is None:
        _warm = background.start(_prepare, region, first)


def _prepare(region: str | None, first=None) -> None:
    # Silent whatever happens: a real failure shows again when client() builds on the
    # main thread, and an exit that overtakes this import (concurrent.futures refuses
    # to register its atexit hook once shutdown began) must not add a traceback to
    # the one-line error the user is reading.
    try:
        if first is not None:
            first()
        import boto3  # noqa: F401
        import botocore.config  # noqa: F401

        if region:
            _clients[region] = _build(region)
    except BaseException:  # noqa: BLE001
        pass


class AssertionExpired(AwsError):
    """AWS says the assertion is too old: sign in again."""


def client(region: str):
    """The STS client for `region`: the one warm_up built, else one built now."""
    if _warm is not None:
        _warm.join()
    if region not in _clients:
        _clients[region] = _build(region)
    return _clients[region]


def _build(region: str):
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    # AWS_PROFILE names the credentials olenv is replacing: it must not steer (or, naming
    # a profile that does not exist, break) olenv's own unsigned call.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    config = Config(signature_version=UNSIGNED, retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=10, read_timeout=30)
    sts = boto3.session.Session().client("sts", region_name=region, config=config)
    sts.meta.events.register("request-created.sts.AssumeRoleWithSAML", _form_body)
    return sts


# What form encoding leaves of a base64 text: quote_plus turns +, / and = into escapes.
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def _form_body(request, **_) -> None:
    """The form body botocore would write, written faster.

    botocore encodes it with urllib's quote_plus, a Python loop over every byte: 0.3 s
    for the SAML assertion of 20,000 roles. A base64 value needs three replacements;
    anything else goes through urlencode as botocore sends it.
    """
    from urllib.parse import urlencode

    if not isinstance(request.data, dict):
        return
    pairs = []
    for key, value in request.data.items():
        if isinstance(value, str) and value.isascii() \
                and not value.encode("ascii").translate(None, _BASE64):
            pairs.append(urlencode({key: ""}) + value.replace("+", "%2B").replace(
                "/", "%2F").replace("=", "%3D"))
        else:
            pairs.append(urlencode([(_utf8(key), _utf8(value))], doseq=True))
    request.data = "&".join(pairs)


def _utf8(value):
    return value.encode("utf-8") if isinstance(value, str) else value


def assume(assertion, role, duration: int, region: str, sts=None) -> dict:
    """Return STS's Credentials dict (AccessKeyId, SecretAccessKey, SessionToken, Expiration)."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

    sts = sts or client(region)
    try:
        reply = sts.assume_role_with_saml(RoleArn=role.arn, PrincipalArn=role.provider_arn,
                                          SAMLAssertion=assertion.b64, DurationSeconds=duration)
    except ClientError as exc:
        raise _explain(exc, role, duration) from None
    except EndpointConnectionError as exc:
        raise AwsError(f"cannot reach AWS STS at {exc.kwargs.get('endpoint_url')}") from None
    except BotoCoreError as exc:
        raise AwsError(f"AWS STS call failed: {exc.__class__.__name__}") from None
    return reply["Credentials"]


def _explain(exc, role, duration: int) -> AwsError:
    error = exc.response.get("Error", {})
    code = error.get("Code", "Unknown")
    message = " ".join(str(error.get("Message", "")).split())
    if code == "ExpiredTokenException":
        return AssertionExpired(f"AWS says the SAML assertion has expired ({message})")
    if code == "ValidationError" and "DurationSeconds" in message:
        return AwsError(f"role {role.name} in {role.account_id} does not allow sessions of "
                        f"{duration} s: pass a shorter -z/--duration (e.g. -z 3600)", exit_code=2)
    if code == "AccessDenied":
        return AwsError(f"AWS denied role {role.name} in account {role.account_id} "
                        f"to this SAML sign-in (AccessDenied): {message}")
    if code in ("InvalidIdentityToken", "IDPRejectedClaim", "MalformedPolicyDocument"):
        return AwsError(f"AWS rejected the SAML assertion ({code}): {message}")
    return AwsError(f"AWS STS refused AssumeRoleWithSAML ({code}): {message}")
