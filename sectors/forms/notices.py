"""Forms for change notices and their decisions.

The forms only parse input; `sectors.services.change_notice_*` decide what is valid, and the
views put the services' field errors back on these forms.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from r4v.forms import BootstrapForm
from r4v.models import User

from ..models import ChangeNotice, CoCoordinatorDesignation, CoLeadDesignation
from ..services.notices import change_notice_problems


class CoLeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CoLeadDesignation) -> str:
        return f"{obj.organization} – {obj.platform_sector.title}"


class OutgoingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CoCoordinatorDesignation) -> str:
        return f"{obj.person.full_name} ({obj.co_lead.organization})"


class ChangeNoticeForm(BootstrapForm):
    co_lead = CoLeadChoiceField(
        label=_("Co-lead"),
        queryset=CoLeadDesignation.objects.none(),
        help_text=_("The organization and sector the change is about."),
    )
    kind = forms.ChoiceField(
        label=_("Change"), choices=ChangeNotice.Kind.choices, widget=forms.RadioSelect
    )
    outgoing = OutgoingChoiceField(
        label=_("Outgoing co-coordinator"),
        queryset=CoCoordinatorDesignation.objects.none(),
        required=False,
        help_text=_("For a replacement: who leaves."),
    )
    incoming_name = forms.CharField(
        label=_("Incoming co-coordinator's name"), max_length=150, required=False
    )
    incoming_email = forms.EmailField(label=_("Incoming co-coordinator's e-mail"), required=False)
    incoming_phone = forms.CharField(
        label=_("Incoming co-coordinator's phone"), max_length=40, required=False
    )
    incoming_gender = forms.ChoiceField(
        label=_("Incoming co-coordinator's gender"),
        choices=[("", _("Not given")), *User.Gender.choices],
        required=False,
    )
    incoming_speaks_spanish = forms.BooleanField(label=_("Works in Spanish"), required=False)
    incoming_speaks_english = forms.BooleanField(label=_("Works in English"), required=False)
    effective_on = forms.DateField(
        label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("What is changing and why"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, co_leads, narrow_to=None, reload_url: str = "", **kwargs):
        """`co_leads`: those the user may file about; `narrow_to`: list only its co-coordinators.

        On submission the outgoing choices span every co-lead the user may file about, so a
        co-coordinator of another co-lead reaches the service, which names the field in its error.
        """
        super().__init__(*args, **kwargs)
        self.fields["co_lead"].queryset = co_leads
        outgoing = (
            CoCoordinatorDesignation.objects.open()
            .filter(co_lead__in=co_leads.values("pk"))
            .select_related("person", "co_lead__organization")
            .order_by("co_lead__organization__name", "person__full_name")
        )
        if narrow_to is not None:
            outgoing = outgoing.filter(co_lead=narrow_to)
        self.fields["outgoing"].queryset = outgoing
        if reload_url:
            # htmx: choosing a co-lead reloads the outgoing list with its co-coordinators only.
            self.fields["co_lead"].widget.attrs.update(
                {
                    "hx-get": reload_url,
                    "hx-trigger": "change",
                    "hx-target": "#outgoing-field",
                    "hx-swap": "outerHTML",
                }
            )

    def clean(self):
        """Every error at once: the service's rules run on what did parse, so a bad e-mail
        does not hide a date before the co-lead's term until the next submission."""
        data = super().clean()
        co_lead = data.get("co_lead")
        if co_lead is None:
            return data
        problems = change_notice_problems(
            **_normalized(data),
            co_lead=co_lead,
            kind=data.get("kind"),
            effective_on=data.get("effective_on"),
            reason=data.get("reason"),
        )
        for field, message in problems.items():
            # A field that did not parse already says why; its rule waits for a value.
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return data

    def service_kwargs(self) -> dict:
        return {**self.cleaned_data, **_normalized(self.cleaned_data)}


def _normalized(data: dict) -> dict:
    """The person half of a notice as the service receives it: a co-lead stepping down names
    nobody, so what the other half of the form held is dropped."""
    if data.get("kind") != ChangeNotice.Kind.COORDINATOR_REPLACED:
        return {
            "outgoing": None,
            "incoming_name": "",
            "incoming_email": "",
            "incoming_phone": "",
            "incoming_gender": "",
            "incoming_speaks_spanish": False,
            "incoming_speaks_english": False,
        }
    return {
        "outgoing": data.get("outgoing"),
        "incoming_name": data.get("incoming_name", ""),
        "incoming_email": data.get("incoming_email", ""),
        "incoming_phone": data.get("incoming_phone", ""),
        "incoming_gender": data.get("incoming_gender") or "",
        "incoming_speaks_spanish": data.get("incoming_speaks_spanish", False),
        "incoming_speaks_english": data.get("incoming_speaks_english", False),
    }


class DecisionForm(BootstrapForm):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
