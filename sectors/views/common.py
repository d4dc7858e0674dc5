"""What the management pages share (organizations.py, roles.py, platforms.py, sector_setup.py).

Through them the Regional Platform team, platform teams and co-coordinators manage the
coordination structure. Who may do what is `sectors.policy`'s answer: objects outside the
user's scope are looked up through scoped querysets and answer 404; global actions
(organizations, roles) answer 403 (`require_global`). Every write goes through
`sectors.services` through `r4v.forms_kit`.
"""

from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_http_methods

from .. import policy
from ..policy import Action

get_and_post = require_http_methods(["GET", "POST"])


def require_global(request, action: Action) -> None:
    """Global actions (organizations, roles): a logged-in user without the right gets 403."""
    if not policy.can(request.user, action):
        raise PermissionDenied
