"""Pages call services through here, so every page answers a refusal the same way.

The API has its one mapping (`r4v.api_errors.exception_handler`); this is the pages' one:
a service's ValidationError becomes field errors (or a form error when the field is not on
the form), a DomainError a form error (on its field when it names one), an IntegrityError (a
race lost to a concurrent writer: services validate first) a conflict error, and NotAllowed a
403 with its reason, in every app (the pages draw only what `allowed_actions` allows, so a
refusal is a forged request or a right lost since the page was drawn; a stale page is a
Conflict, a DomainError, and says so as a form error). No page maps errors by hand.

Each call runs in one transaction: a service that writes several rows (a person and their
designation, a co-lead and the co-coordinators it ends) writes all of them or none.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError, NotAllowed


class ServiceRefused(Exception):
    """A service said no; `errors` is [(field or None, [messages])]."""

    def __init__(self, errors: list[tuple[str | None, list[str]]]):
        super().__init__(errors)
        self.errors = errors


def service_call(fn: Callable[..., Any], /, *, passthrough=(), **kwargs) -> Any:
    """Call `fn(**kwargs)` in a transaction; raise ServiceRefused with what went wrong.

    `passthrough`: refusals the page answers itself, raised as they are (a refusal that
    carries more than words, such as the clashes a meeting would have).
    """
    try:
        with transaction.atomic():
            return fn(**kwargs)
    except passthrough:
        raise
    except NotAllowed as error:
        raise PermissionDenied(error.detail) from error
    except DomainError as error:
        raise ServiceRefused([(error.field, [error.detail])]) from error
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ServiceRefused(list(error.message_dict.items())) from error
        raise ServiceRefused([(None, error.messages)]) from error
    except IntegrityError as error:
        raise ServiceRefused(
            [(None, [_("The record was changed by someone else; reload and try again.")])]
        ) from error


def form_service_call(
    form: forms.Form,
    fn: Callable[..., Any],
    /,
    *,
    field_map: dict[str, str] | None = None,
    passthrough=(),
    **kwargs,
) -> Any | None:
    """Call the service; on refusal put the errors on `form` and return None.

    `field_map` renames the service's fields to the form's (`person` -> `email`).
    """
    try:
        return service_call(fn, passthrough=passthrough, **kwargs)
    except ServiceRefused as refused:
        for field, field_messages in refused.errors:
            field = (field_map or {}).get(field, field)
            form.add_error(field if field in form.fields else None, list(field_messages))
        return None


def message_service_call(request, fn: Callable[..., Any], /, **kwargs) -> Any | None:
    """Call the service from a button without a form; on refusal show why as messages."""
    try:
        return service_call(fn, **kwargs)
    except ServiceRefused as refused:
        for _field, field_messages in refused.errors:
            for message in field_messages:
                messages.error(request, message)
        return None


def confirm_page(
    request, form, *, title, consequence, submit_label, back_url, hidden=None, **extra
):
    """The confirmation step of a destructive action; `hidden` carries the first POST's fields.

    `extra` goes to the template; `header_template` (with what it reads) heads the page.
    """
    return render(
        request,
        "confirm.html",
        {
            "form": form,
            "title": title,
            "consequence": consequence,
            "submit_label": submit_label,
            "back_url": back_url,
            "action_url": request.path,
            "hidden": hidden or {},
            **extra,
        },
    )
