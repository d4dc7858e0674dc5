"""Page forms: they parse input; the services and the workflow decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from r4v.forms import BootstrapForm, BootstrapMixin

from .models import Cycle


class CycleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = Cycle.OPENING_FIELDS
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("opens_on", "submissions_due_on", "clearance_due_on", "closes_on")
        }

    def validate_unique(self):
        # The service validates (and names the field); validating here would do it twice.
        pass


class DraftForm(BootstrapForm):
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        strip=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Markdown: # headings, **bold**, lists, tables and links. HTML is shown as text."
        ),
    )
    file = forms.FileField(label=_("Attach a file"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TransitionForm(BootstrapForm):
    action = forms.CharField(widget=forms.HiddenInput, max_length=20)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1)
