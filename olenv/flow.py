"""One sign-in, start to end: settings → OneLogin → SAML → role → STS → Credentials."""

from olenv import catalog, partitions, roles, saml, sts
from olenv.credentials import Credentials
from olenv.settings import Settings
from olenv.terminal import Terminal


def ask_missing(settings: Settings, terminal: Terminal) -> None:
    """What no option or file gave: named together in one line that says where each is set
    and points to `olenv configure`; then asked for at a terminal, else exit 2."""
    wanted = (("username", "the OneLogin username", "-u", "username", "OneLogin username: "),
              ("app_id", "the app id", "-a", "app_id", "OneLogin AWS app id: "),
              ("subdomain", "the subdomain", "-d", "subdomain", "OneLogin subdomain: "))
    missing = [entry for entry in wanted if not getattr(settings, entry[0])]
    if not missing:
        return
    line = ("missing " + ", ".join(f"{what} ({option} or \"{key}\" in onelogin.aws.json)"
                                   for _, what, option, key, _ in missing)
            + ": olenv configure saves them")
    if not terminal.interactive:
        from olenv.errors import UsageError

        raise UsageError(line)
    terminal.say(f"olenv: {line}")
    for name, what, _, _, prompt in missing:
        setattr(settings, name, terminal.ask(prompt, what))


def onelogin_request(settings: Settings, terminal: Terminal, tokens=None):
    """The OneLogin client and the sign-in request, once the terminal gave what was missing.
    tokens: where the API token may outlive this run (the agent)."""
    from olenv.onelogin.client import OneLoginClient
    from olenv.onelogin.signin import SignInRequest

    ask_missing(settings, terminal)
    client = OneLoginClient(settings.base_url, settings.client_id, settings.client_secret,
                            api_version=settings.saml_api_version,
                            client_origin=settings.client_origin, tokens=tokens)
    request = SignInRequest(
        username=settings.username, password=settings.password, app_id=str(settings.app_id),
        subdomain=settings.subdomain, ip=settings.ip, otp=settings.otp,
        mfa_device=settings.mfa_device, push_interval=settings.push_interval,
        push_timeout=settings.push_timeout)
    return client, request


def obtain(settings: Settings, terminal: Terminal, assertions=None, tokens=None) -> Credentials:
    """assertions: where a valid SAML assertion may be held (the agent), so taking
    another role right after a sign-in needs no second password or MFA; tokens: where
    the OneLogin API token may be (the agent), so a sign-in skips fetching it."""
    from olenv.onelogin.signin import sign_in

    # The client for the likeliest region is built while OneLogin answers: the one set,
    # else the commercial partition's default (the role may still choose another); lxml
    # is imported first, as the assertion needs it first.
    sts.warm_up(settings.aws_region or partitions.DEFAULTS["aws"], first=saml.prepare)
    client, request = onelogin_request(settings, terminal, tokens)
    for attempt in (1, 2):
        held = assertions.assertion(settings) if assertions and attempt == 1 else None
        if not held:
            signed = sign_in(client, request, terminal)
            # Another sign-in of this run (login --loop, -x) needs no password prompt and no
            # device menu; an OTP is spent.
            settings.password, settings.otp = request.password, None
            settings.mfa_device = request.mfa_device
        assertion = saml.parse(held or signed)
        if assertions and not held:
            assertions.keep_assertion(settings, assertion)
        role = roles.choose(assertion.roles, terminal, account_id=settings.aws_account_id,
                            role_name=settings.aws_role_name,
                            order="role" if settings.role_order else "account",
                            aliases=settings.aliases, profiles=lambda: catalog.by_role_of(settings))
        # The role's partition decides the region, and refuses one of another partition.
        region = partitions.region_for(role, settings.aws_region, settings.sources.get("aws_region"))
        try:
            reply = sts.assume(assertion, role, settings.duration, region)
        except sts.AssertionExpired:
            if attempt == 2:
                raise
            terminal.say("olenv: the SAML assertion expired before AWS took it; signing in again")
            continue
        return Credentials(
            access_key_id=reply["AccessKeyId"], secret_access_key=reply["SecretAccessKey"],
            session_token=reply["SessionToken"], expiration=reply["Expiration"], region=region,
            account_id=role.account_id, role_name=role.name,
            profile=settings.profile or settings.aliases.get(role.account_id) or role.account_id)
    raise AssertionError("unreachable")
