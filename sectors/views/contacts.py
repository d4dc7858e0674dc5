"""A co-coordinator's own page for the contact details the sector pages publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from r4v import history
from r4v.forms_kit import form_service_call

from .. import services
from ..forms.structure import ContactDetailsForm
from ..services.contacts import LANGUAGE_FIELDS


@login_required
@require_http_methods(["GET", "POST"])
def my_contact_details(request):
    user = request.user
    published = services.co_coordinator_contacts_published(user)
    if not published:
        # Only their own, and only while something of theirs is published.
        raise Http404
    newest = published[-1]
    initial = {
        "contact_email": newest.contact_email,
        "contact_phone": newest.contact_phone,
        **{name: getattr(user, name) for name in LANGUAGE_FIELDS},
    }
    form = ContactDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            form,
            lambda: services.co_coordinator_contacts_update(
                person=user, by=user, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("Your public contact details were saved."))
            return redirect("sectors:my-contact-details")
    for designation in published:
        designation.history_url = history.history_url(designation)
        designation.sector_url = designation.co_lead.platform_sector.get_absolute_url()
    return render(
        request,
        "sectors/manage/contact_details.html",
        {
            "form": form,
            "designations": published,
            "title": _("Your public contact details"),
            "intro": _(
                "Visitors of the sector pages reach you with these details. They apply to "
                "every sector you co-coordinate."
            ),
            "submit_label": _("Save"),
            "back_url": reverse("profile"),
        },
    )
