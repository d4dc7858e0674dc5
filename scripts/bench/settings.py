"""Settings for the load harness only: the product's settings plus the floor views' URLs.

The floor views (a constant from plain Django, a constant from DRF, hand-written `.values()`
rows) live in `scripts/bench/urls.py`, never in the product's URLs.
"""

from r4v.settings import *  # noqa: F403
from r4v.settings import DATABASES, MIDDLEWARE

ROOT_URLCONF = "scripts.bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The figures are for the deployment's shape: persistent connections with health checks.
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The harness logs in over plain HTTP on loopback (run.py), so its cookies cannot be Secure.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Counts each response's queries into a header the harness reads (once per endpoint).
MIDDLEWARE = ["scripts.bench.views.QueryCountMiddleware", *MIDDLEWARE]

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "scripts" / "bench" / "templates"]  # noqa: F405
# The harness logs in with passwords only (run.py), so no account must have a second factor
# here; on a real site a verified session costs one more indexed read (r4v/mfa.py).
MFA_REQUIRED_ROLES = []
