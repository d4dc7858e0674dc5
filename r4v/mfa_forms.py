"""The forms of the second-factor pages (r4v/mfa.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import BootstrapForm


class CodeForm(BootstrapForm):
    """A six-digit code from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = (
            _("The six digits your authenticator app shows now, or one of your recovery codes.")
            if recovery
            else _("The six digits your authenticator app shows now.")
        )
