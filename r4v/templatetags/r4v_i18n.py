"""The current page in each language: the switcher's links and the hreflang alternates."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_from_path

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> dict:
    """{"languages": [{code, path, url}], "default_url"}: this page's path in each language.

    Plain links, not a form: a page served from the public cache carries no CSRF token, and
    a link in another language can be shared. `default_url` is the page without a prefix,
    which redirects to the visitor's language (hreflang x-default). Empty on pages without a
    language prefix (the API docs).
    """
    request = context.get("request")
    if request is None:
        return {"languages": [], "default_url": ""}
    full_path = request.get_full_path()
    current = get_language_from_path(request.path_info)
    languages = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(full_path, code) if current else full_path
        languages.append({"code": code, "path": path, "url": request.build_absolute_uri(path)})
    default_url = ""
    if current:
        default_url = request.build_absolute_uri(full_path[len(current) + 1 :])
    return {"languages": languages if current else [], "default_url": default_url}
