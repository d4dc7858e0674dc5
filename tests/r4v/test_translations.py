"""The Spanish catalogue is complete, and the committed .mo is compiled from the committed .po."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po"


def _entries(po_text: str) -> list[str]:
    return po_text.split("\n\n")[1:]  # the first block is the header


def test_no_spanish_message_is_fuzzy_or_empty():
    incomplete = [
        entry
        for entry in _entries(PO.read_text())
        if "#, fuzzy" in entry or re.search(r'^msgstr(\[\d\])? ""$(?!\n")', entry, re.M)
    ]
    assert incomplete == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_the_committed_mo_is_compiled_from_the_po(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", compiled, PO], check=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes()


@override_settings(LANGUAGE_CODE="en")
def test_the_403_page_is_translated(client, personas):
    # given: a partner member asks for a management page
    client.force_login(personas["partner"])
    with translation.override("es"):  # pages carry their language in the URL
        url = reverse("sectors:governance")
    # when
    response = client.get(url)
    # then
    assert response.status_code == 403
    with translation.override("es"):
        spanish = translation.gettext("Your role does not allow this action.")
    assert spanish != "Your role does not allow this action."
    assert spanish in response.content.decode()
