from . import policy


def roles(request):
    """The viewer's scope, for showing or hiding navigation; never used to authorize."""
    return {"r4v_scope": policy.scope_of(getattr(request, "user", None))}
