"""Links for many rows at once: `reverse` once per page, then string formatting per row."""

from django.urls import reverse


def url_pattern(name: str, *kwargs: str):
    """A formatter for the URL named `name`: `url_pattern("x", "code")(code="peru")`.

    `reverse` costs more than the rest of a list row; slugs and ids need no escaping, so the
    path is reversed once with stand-ins and formatted per row. The stand-ins are digits,
    which every converter used here (slug, int) accepts.
    """
    sentinels = {kwarg: f"{i}4242424242{i}" for i, kwarg in enumerate(kwargs, 1)}
    pattern = reverse(name, kwargs=sentinels).replace("{", "{{").replace("}", "}}")
    for kwarg, sentinel in sentinels.items():
        pattern = pattern.replace(sentinel, "{" + kwarg + "}")
    return pattern.format
