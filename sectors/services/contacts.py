"""A co-coordinator's own public contact details: the e-mail, phone and languages published
beside their name on the sector pages (seed 000 §II asks co-coordinators to be reachable and
professionally bilingual; visitors write to them)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from r4v.audit import locked, save_audited
from r4v.errors import NotAllowed
from r4v.models import User
from r4v.services import user_profile_update

from ..models import CoCoordinatorDesignation

LANGUAGE_FIELDS = ("speaks_spanish", "speaks_english", "speaks_portuguese")


def co_coordinator_contacts_published(person: User) -> list[CoCoordinatorDesignation]:
    """The designations on which `person`'s contact details are published: not ended yet."""
    return list(
        CoCoordinatorDesignation.objects.not_ended()
        .filter(person=person)
        .select_related(
            "co_lead__organization",
            "co_lead__platform_sector__platform",
            "co_lead__platform_sector__sector",
        )
        .order_by("term_start", "pk")
    )


@transaction.atomic
def co_coordinator_contacts_update(
    *,
    person: User,
    by: User,
    contact_email: str,
    contact_phone: str = "",
    **languages: bool,
) -> list[CoCoordinatorDesignation]:
    """A co-coordinator updates the public contact details of every designation they hold.

    Only their own: the details are the person's to keep current (the team designates, the
    person is reached). Each designation is locked and written only where it changes, so its
    history shows who changed what; the languages go through the person's own profile.
    """
    if by.pk != person.pk:
        raise NotAllowed()
    unknown = languages.keys() - set(LANGUAGE_FIELDS)
    if unknown:
        raise ValueError(f"Not language fields: {sorted(unknown)}")
    published = co_coordinator_contacts_published(person)
    if not published:
        raise ValidationError(
            _("You hold no current co-coordinator designation, so nothing of yours is published.")
        )
    new = {"contact_email": contact_email.strip().lower(), "contact_phone": contact_phone.strip()}
    for designation in published:
        designation = locked(CoCoordinatorDesignation, designation.pk)
        changed = [name for name, value in new.items() if getattr(designation, name) != value]
        for name in changed:
            setattr(designation, name, new[name])
        if changed:
            save_audited(
                designation,
                by=by,
                reason=N_("Public contact details updated"),
                update_fields=changed,
            )
    if languages:
        user_profile_update(user=person, by=by, **languages)
    return co_coordinator_contacts_published(person)
