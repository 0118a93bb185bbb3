"""AssumeRoleWithSAML through botocore, imported only when a role is really assumed.

botocore's own client, not boto3's wrapper of it: boto3 adds nothing for STS but
about 35 ms of imports to every sign-in.

The call is unsigned (the SAML assertion is the credential), so botocore never
walks the credential chain. AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL keep
working because botocore reads them itself. Errors are told apart by their
code, not their text.

The call reads neither ~/.aws/config nor ~/.aws/credentials: it needs nothing
from them, and a file other tools tolerate (a BOM, a duplicate section, a key in
both spellings) must not fail a sign-in after the password and MFA. The STS phase
has one deadline over all retries, and what comes back is checked: a reply that
is not AWS's XML (a proxy's page), or keys that are not plain text, get one line.
"""

import os
import re
import threading
from datetime import datetime
from urllib.parse import urlsplit

from olenv import background
from olenv.errors import AwsError

DEADLINE = 30.0  # seconds for the whole STS phase, every retry included
_ACCESS_KEY_ID = re.compile(r"\w{16,128}", re.ASCII)  # AWS's AccessKeyIdType
_PLAIN = re.compile(r"[\x21-\x7e]+")  # a secret key or token: printable ASCII, no blank

_warm: threading.Thread | None = None
_clients: dict[str, object] = {}  # region → STS client, built once a run


def warm_up(region: str | None = None, first=None) -> None:
    """Import botocore and build the STS client for `region` in the background, while the
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
        import botocore.config  # noqa: F401
        import botocore.session  # noqa: F401

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
    from botocore import UNSIGNED
    from botocore.config import Config

    # AWS_PROFILE names the credentials olenv is replacing: it must not steer (or, naming
    # a profile that does not exist, break) olenv's own unsigned call.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    # Each attempt is short enough for a retry to fit in the phase's DEADLINE.
    config = Config(signature_version=UNSIGNED, retries={"max_attempts": 3, "mode": "standard"},
                    connect_timeout=5, read_timeout=10)
    sts = _without_shared_files().create_client("sts", region_name=region, config=config)
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


def _without_shared_files():
    """A botocore session that never parses ~/.aws/config or ~/.aws/credentials.

    A missing file is an empty one to botocore; AWS_ENDPOINT_URL_STS, AWS_CA_BUNDLE and
    the proxy variables still apply, as botocore reads them from the environment.
    """
    import botocore.session

    core = botocore.session.Session()
    for name in ("config_file", "credentials_file"):
        core.set_config_variable(name, os.devnull)
    return core


class ForeignReply(AwsError):
    """Something other than AWS answered (a proxy, a captive portal), or changed the reply."""


def assume(assertion, role, duration: int, region: str, sts=None,
           deadline: float = DEADLINE) -> dict:
    """Return STS's Credentials dict (AccessKeyId, SecretAccessKey, SessionToken, Expiration)."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )
    from botocore.parsers import ResponseParserError

    sts = sts or client(region)
    sts.meta.events.register("before-parse.sts.AssumeRoleWithSAML", _check_reply,
                             unique_id="olenv-foreign-reply")
    host = urlsplit(sts.meta.endpoint_url).netloc
    try:
        reply = _within(deadline, host, lambda: sts.assume_role_with_saml(
            RoleArn=role.arn, PrincipalArn=role.provider_arn, SAMLAssertion=assertion.b64,
            DurationSeconds=duration))
    except ClientError as exc:
        raise _explain(exc, role, duration) from None
    except EndpointConnectionError as exc:
        raise AwsError(f"cannot reach AWS STS at {exc.kwargs.get('endpoint_url')}") from None
    except (ReadTimeoutError, ConnectTimeoutError):
        raise AwsError(f"AWS STS at {host} did not answer in time") from None
    except ResponseParserError:
        raise ForeignReply(f"AWS STS at {host} sent XML olenv cannot read "
                           "(not well-formed): was the reply changed on the way?") from None
    except BotoCoreError as exc:
        raise AwsError(f"AWS STS call failed: {exc.__class__.__name__}") from None
    return _checked(reply.get("Credentials"), host)


def _within(deadline: float, host: str, call):
    """call() on a helper thread, given up after `deadline` seconds: botocore's own timeouts
    are per attempt, and a server that accepts and never answers would hold olenv for
    every retry of every attempt. A thread given up on dies with the process."""
    outcome: dict = {}

    def run():
        try:
            outcome["reply"] = call()
        except BaseException as exc:  # noqa: BLE001 - raised again on the caller's thread
            outcome["error"] = exc

    worker = background.start(run)
    worker.join(deadline)
    if worker.is_alive():
        raise AwsError(f"AWS STS at {host} did not answer within {deadline:.0f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["reply"]


def _check_reply(response_dict, operation_model=None, **_):
    """botocore's before-parse hook: anything but AWS's XML is told as what it is."""
    if operation_model is not None and \
            operation_model.service_model.resolved_protocol != "query":
        return  # a botocore that speaks another protocol to STS: its parser decides
    body = response_dict.get("body") or b""
    if (body.lstrip().startswith(b"<") and
            re.search(rb"<(?:AssumeRoleWithSAMLResponse|ErrorResponse)[\s>]", body[:4096])):
        return
    status = response_dict.get("status_code")
    kind = next((v for k, v in response_dict.get("headers", {}).items()
                 if k.lower() == "content-type"), "")
    head = body.lstrip()[:256].lower()
    if not body.strip():
        what = "an empty reply"
    elif "html" in kind.lower() or head.startswith((b"<!doctype html", b"<html")):
        what = "an HTML page (a proxy?)"
    elif "json" in kind.lower() or head.startswith((b"{", b"[")):
        what = "JSON, not AWS's XML (a proxy?)"
    else:
        what = "something that is not AWS's XML (a proxy?)"
    raise ForeignReply(f"AWS STS answered HTTP {status} with {what}")


def _checked(credentials, host: str) -> dict:
    """STS's keys as they will be written: a reply rewritten on the way (a line break in a
    secret becomes a line of its own in ~/.aws/credentials) is refused whole."""
    if not isinstance(credentials, dict):
        raise ForeignReply(f"AWS STS at {host} sent no credentials")
    wrong = [name for name, pattern in (("AccessKeyId", _ACCESS_KEY_ID),
                                        ("SecretAccessKey", _PLAIN), ("SessionToken", _PLAIN))
             if not (isinstance(credentials.get(name), str) and
                     pattern.fullmatch(credentials[name]))]
    expiration = credentials.get("Expiration")
    if not (isinstance(expiration, datetime) and expiration.tzinfo):
        wrong.append("Expiration")
    if wrong:
        raise ForeignReply(f"AWS STS at {host} sent credentials olenv cannot use "
                           f"({', '.join(wrong)} not as AWS writes it): was the reply changed "
                           "on the way?")
    return credentials


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
