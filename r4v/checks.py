"""Deployment checks that `check --deploy` lacks (OWASP ASVS 5.0 L2; see shared/reference).

Django checks HSTS, cookies, the secret key and DEBUG; it does not check the CSP's content, the
session lifetime, the password policy or Django REST framework's defaults. CI runs
`check --deploy --fail-level WARNING` with production settings, so each of these fails it.
"""

from django.conf import settings
from django.core import checks

HSTS_MIN_SECONDS = 365 * 24 * 60 * 60
SESSION_MAX_SECONDS = 12 * 60 * 60
PASSWORD_MIN_LENGTH = 12
CSP_REQUIRED = {"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"}


@checks.register(checks.Tags.security, deploy=True)
def check_transport_and_session(app_configs, **kwargs):
    found = []
    if settings.SECURE_HSTS_SECONDS < HSTS_MIN_SECONDS:
        found.append(
            checks.Warning(
                f"SECURE_HSTS_SECONDS is {settings.SECURE_HSTS_SECONDS}; browsers should keep "
                f"to HTTPS for at least {HSTS_MIN_SECONDS} seconds (a year).",
                id="r4v.W001",
            )
        )
    if settings.SESSION_COOKIE_AGE > SESSION_MAX_SECONDS:
        found.append(
            checks.Warning(
                f"SESSION_COOKIE_AGE is {settings.SESSION_COOKIE_AGE} seconds; sessions must end "
                f"within {SESSION_MAX_SECONDS} (12 hours).",
                id="r4v.W002",
            )
        )
    return found


@checks.register(checks.Tags.security, deploy=True)
def check_content_security_policy(app_configs, **kwargs):
    csp = getattr(settings, "SECURE_CSP", {}) or {}
    missing = [
        f"{directive} {value}"
        for directive, value in CSP_REQUIRED.items()
        if value not in [str(source) for source in csp.get(directive, [])]
    ]
    if not csp.get("default-src") or missing:
        return [
            checks.Warning(
                "SECURE_CSP must set default-src and "
                + ", ".join(f"{d} {v}" for d, v in CSP_REQUIRED.items())
                + (f"; missing: {', '.join(missing)}." if missing else "."),
                id="r4v.W003",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_password_policy(app_configs, **kwargs):
    validators = {v["NAME"].rsplit(".", 1)[-1]: v for v in settings.AUTH_PASSWORD_VALIDATORS}
    minimum = validators.get("MinimumLengthValidator", {}).get("OPTIONS", {}).get("min_length", 8)
    if len(validators) < 4 or "CommonPasswordValidator" not in validators:
        return [
            checks.Warning(
                "AUTH_PASSWORD_VALIDATORS needs Django's four validators, including "
                "CommonPasswordValidator.",
                id="r4v.W004",
            )
        ]
    if "MinimumLengthValidator" not in validators or minimum < PASSWORD_MIN_LENGTH:
        return [
            checks.Warning(
                f"Passwords must be at least {PASSWORD_MIN_LENGTH} characters long "
                f"(MinimumLengthValidator min_length is {minimum}).",
                id="r4v.W004",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_rest_framework_defaults(app_configs, **kwargs):
    drf = getattr(settings, "REST_FRAMEWORK", {})
    problems = []
    if any(
        name.endswith(".AllowAny") for name in drf.get("DEFAULT_PERMISSION_CLASSES", ["AllowAny"])
    ):
        problems.append("DEFAULT_PERMISSION_CLASSES must deny by default, not AllowAny")
    if any(
        name.endswith(".BasicAuthentication")
        for name in drf.get("DEFAULT_AUTHENTICATION_CLASSES", [".BasicAuthentication"])
    ):
        problems.append("BasicAuthentication sends passwords with every request: remove it")
    if drf.get("PAGE_SIZE") is None:
        problems.append("PAGE_SIZE must be set, or a list returns every row")
    if drf.get("NUM_PROXIES") is None:
        problems.append(
            "NUM_PROXIES must be set, or clients choose their throttle key by X-Forwarded-For"
        )
    return [checks.Warning(f"REST_FRAMEWORK: {p}.", id="r4v.W005") for p in problems]


@checks.register(checks.Tags.security)
def check_api_json_parser(app_configs, **kwargs):
    """Every API view parses JSON with the kit's parser (r4v.parsers), whose depth and
    surrogate checks turn what would be a 500 into a 400: a view or action that names its own
    parsers must keep it."""
    from rest_framework.parsers import JSONParser as DRFJSONParser

    from .api import router
    from .parsers import JSONParser

    found = []
    for _prefix, viewset, _basename in router.registry:
        sources = [(viewset.__name__, viewset.parser_classes)]
        sources += [
            (f"{viewset.__name__}.{action.__name__}", action.kwargs["parser_classes"])
            for action in viewset.get_extra_actions()
            if "parser_classes" in action.kwargs
        ]
        for name, parsers in sources:
            if any(
                issubclass(parser, DRFJSONParser) and not issubclass(parser, JSONParser)
                for parser in parsers
            ):
                found.append(
                    checks.Error(
                        f"{name} parses JSON with DRF's JSONParser.",
                        hint="Use r4v.parsers.JSONParser (or leave parser_classes unset).",
                        id="r4v.E001",
                    )
                )
    return found
