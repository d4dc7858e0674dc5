"""Every public page says when its content last changed and carries a meta description."""

import datetime

import pytest
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from sectors import selectors
from sectors.models import PartnerMembership

from ..factories import CoCoordinatorFactory

PUBLIC_TEMPLATES = [
    "sectors/public/platform_list.html",
    "sectors/public/platform_detail.html",
    "sectors/public/sector_list.html",
    "sectors/public/sector_page.html",
    "sectors/public/organization_detail.html",
]


def _urls(world):
    return [
        reverse("sectors:platform-list"),
        reverse("sectors:platform-detail", kwargs={"code": "regional"}),
        reverse("sectors:sector-list"),
        world.regional_health.get_absolute_url(),
        world.unhcr.get_absolute_url(),
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_public_page_shows_when_it_last_changed_in_the_readers_date_format(
    client, world, language
):
    # given
    today = timezone.localdate()
    # The language is in the URL (/es/...): reversed under the reader's language.
    with translation.override(language):
        expected = date_format(today, "DATE_FORMAT")
        urls = _urls(world)
    for url in urls:
        # when
        html = client.get(url).text
        # then
        assert 'id="last-changed"' in html, url
        assert f">{expected}</time>" in html, url


def _date_every_history(world, when):
    """Every history row behind the world's sector page dated `when`."""
    for model in (
        type(world.regional_health),
        type(world.regional_health.sector),
        type(world.unhcr_health),
        type(world.unhcr_coordinator),
        PartnerMembership,
    ):
        model.history.all().update(history_date=when)


def test_the_sector_page_date_follows_a_new_co_coordinator(
    client, world, django_capture_on_commit_callbacks
):
    # given: everything of the world dated a year ago, then one new designation today
    a_year_ago = timezone.now() - datetime.timedelta(days=365)
    _date_every_history(world, a_year_ago)
    with translation.override("en"):
        old = date_format(timezone.localtime(a_year_ago).date(), "DATE_FORMAT")
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    url = world.regional_health.get_absolute_url()
    before = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    with django_capture_on_commit_callbacks(execute=True):
        CoCoordinatorFactory(co_lead=world.unhcr_health)
    # when
    after = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    # then
    assert f">{old}</time>" in before
    assert f">{today}</time>" in after


@pytest.mark.parametrize("name", PUBLIC_TEMPLATES)
def test_every_public_page_defines_a_meta_description(name, world):
    # given
    template = get_template(name).template
    # when
    blocks = {node.name: node for node in template.nodelist.get_nodes_by_type(BlockNode)}
    # then: base.html renders the block into <meta name="description"> (see the report)
    assert "meta_description" in blocks
    assert len(blocks["meta_description"].nodelist) > 0


def test_the_date_of_change_is_the_newest_history_row_of_any_source(world):
    # given: every history of the sector page a year old, and one partner's row newer
    a_year_ago = timezone.now() - datetime.timedelta(days=365)
    _date_every_history(world, a_year_ago)
    newest = timezone.now() - datetime.timedelta(days=3, microseconds=250)
    partner = PartnerMembership.history.filter(platform_sector_id=world.regional_health.pk)
    partner.filter(pk__in=partner.values("pk")[:1]).update(history_date=newest)
    # when
    changed = selectors.platform_sector_last_changed(world.regional_health)
    # then: the same instant, time-zone aware, on PostgreSQL and on SQLite (which hands
    # the raw aggregate back as text)
    assert changed == newest
    assert changed.tzinfo is not None
