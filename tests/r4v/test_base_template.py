"""The page frame (templates/base.html) leaves the page's own context alone."""

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse


def test_a_pages_own_variables_are_not_hidden_by_the_frame(db):
    # given: a page whose view passes `current` (the task page's current version does)
    url = reverse("home")
    request = RequestFactory().get(url)
    request.resolver_match = resolve(url)
    page = Template(
        "{% extends 'base.html' %}{% block content %}<p id=v>{{ current }}</p>{% endblock %}"
    )
    # when
    html = page.render(Context({"request": request, "current": "Version 3"}))
    # then
    assert "<p id=v>Version 3</p>" in html
