"""Texts written for the public, kept per language, shown in the reader's: the one rule.

A sector's purpose and selection procedure and a platform's description are written by people,
in English, in Spanish or in both; a column per language holds each version (`purpose_en`,
`purpose_es`). A reader gets their own language's version; when it is not written yet, the
other language's, marked as such so the page can say so and screen readers switch voice. The
pages (models' properties), the API and its flat row builders all ask `shown`, so they cannot
disagree about which text a reader gets.

Decisions:
- A version that is only whitespace counts as not written.
- A reader whose language has no column (none today: the UI speaks English and Spanish) is
  served as an English reader, as the catalogue names are (`models.BilingualName`).
- Organization names use the same rule without the note: a name in another language needs no
  apology, and most organizations have only one.
"""

from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The languages texts are kept in, in fallback order after the reader's own.
CONTENT_LANGUAGES = ("en", "es")

# (reader's language, language shown) -> the note shown above a fallback text. Whole
# sentences, not a pattern with language names, so each translation can decline them.
_NOTES = {
    ("es", "en"): _("Not yet available in Spanish; shown in English."),
    ("en", "es"): _("Not yet available in English; shown in Spanish."),
}


class Shown(str):
    """A text as a reader sees it: `language` is the language it is written in, which differs
    from the reader's (`wanted`) when it stands in for a version not written yet."""

    language: str
    wanted: str

    # Defaults only so that copy and pickle, which rebuild a str from its text alone, work.
    def __new__(cls, text: str = "", *, language: str = "en", wanted: str = "en"):
        shown = super().__new__(cls, text)
        shown.language = language
        shown.wanted = wanted
        return shown

    @property
    def is_fallback(self) -> bool:
        return bool(self) and self.language != self.wanted

    @property
    def note(self) -> str:
        return str(_NOTES.get((self.wanted, self.language), "")) if self.is_fallback else ""


def reader_language(language: str | None = None) -> str:
    """The content language for `language` (the active one by default): "es-419" reads "es"."""
    base = (language or translation.get_language() or "").split("-")[0].lower()
    return base if base in CONTENT_LANGUAGES else CONTENT_LANGUAGES[0]


def shown(versions: Mapping[str, str | None], language: str | None = None) -> Shown:
    """The version in the reader's language, else the first other language that has one."""
    wanted = reader_language(language)
    for candidate in (wanted, *(code for code in CONTENT_LANGUAGES if code != wanted)):
        text = versions.get(candidate) or ""
        if text.strip():
            return Shown(text, language=candidate, wanted=wanted)
    return Shown("", language=wanted, wanted=wanted)


def versions_of(obj, field: str, *, prefix: str = "") -> dict[str, str]:
    """{language: text} of `field` on a model instance, or on a `.values()` row with `prefix`."""
    if isinstance(obj, Mapping):
        return {code: obj[f"{prefix}{field}_{code}"] for code in CONTENT_LANGUAGES}
    return {code: getattr(obj, f"{field}_{code}") for code in CONTENT_LANGUAGES}


def language_fields(field: str) -> list[str]:
    """The columns of a per-language text: ["purpose_en", "purpose_es"]."""
    return [f"{field}_{code}" for code in CONTENT_LANGUAGES]
