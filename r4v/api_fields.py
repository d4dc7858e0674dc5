"""The API's input-parsing kit: fields, filters and pagination that refuse what they cannot use.

DRF and django-filter accept more than a real client sends, and some of it becomes a 500 or a
silent surprise further in: an id of 2**64 overflows PostgreSQL's bigint; a JSON 1.5 finds the
row with id 1; a date in year 1 overflows the date arithmetic of terms (and a zone's offset); a
multipart `name=""` on a PATCH is dropped as if not sent; `?offset=1&offset=999` picks one of the
two. Every app's serializers, filtersets, query parameters and forms build their input from
these, so each refusal is a 400 that names the field, the same in every app, and a date has one
range (EARLIEST_DATE..LATEST_DATE) everywhere.

The JSON body itself (nesting, lone surrogates) is checked once, by `r4v.parsers.JSONParser`.
"""

import datetime

from django import forms
from django.core import validators
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field
from rest_framework import pagination, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.utils import html

# Row ids are PostgreSQL bigints (DEFAULT_AUTO_FIELD is BigAutoField).
MAX_ID = 2**63 - 1

# No coordination term, selection or notice lies outside these years. A wider range lets
# through typing slips (0201 for 2021) and dates whose arithmetic (a term plus its warning
# period, a selection plus its interval) leaves the calendar.
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _shown(value, limit: int = 50) -> str:
    """An input as an error message may quote it: short, and always encodable."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def date_in_range(value: datetime.date) -> None:
    """Validator: a date where a real term can lie (forms may use it as well as the API)."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise validators.ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


# --- Serializer fields ------------------------------------------------------------------------


class _SentBlankIsBlank:
    """A field sent empty in a form or multipart body is validated as empty.

    DRF reads `name=""` in an HTML-style body as "not sent" when the field is optional, so a
    PATCH that blanks a required name answers 200 and changes nothing. Here the empty value is
    kept, and the field says "may not be blank" (or applies it, where blank is allowed).
    """

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class TextField(_SentBlankIsBlank, serializers.CharField):
    """Text that must arrive as a string: DRF's CharField would turn 42 into "42"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ChoiceField(_SentBlankIsBlank, serializers.ChoiceField):
    """One of `choices`, given as a string; a refusal quotes the input safely and lists the choices."""

    default_error_messages = {
        "invalid_choice": _('"{input}" is not one of: {choices}.'),
    }

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        if isinstance(data, str) and data in self.choice_strings_to_values:
            return self.choice_strings_to_values[data]
        self.fail(
            "invalid_choice",
            input=_shown(data),
            choices=", ".join(key for key in self.choice_strings_to_values if key != ""),
        )


def datetime_in_range(value: datetime.datetime) -> None:
    """Validator: a date and time on a day `date_in_range` accepts (in its own zone, if any)."""
    date_in_range(value.date())


class DateField(serializers.DateField):
    """An ISO date between EARLIEST_DATE and LATEST_DATE."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(date_in_range)


class DateTimeField(serializers.DateTimeField):
    """An ISO date and time on a day between EARLIEST_DATE and LATEST_DATE.

    DRF accepts year 1 and year 9999, and the first hour of arithmetic (a zone's offset, a
    reminder's lead time, a day's end) then overflows into a 500.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(datetime_in_range)


@extend_schema_field(ID_SCHEMA)
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A row by id: a whole number (a JSON integer, or digits in a form), from 1 to MAX_ID.

    DRF's PrimaryKeyRelatedField passes 1.5 to the database lookup, which truncates it to 1,
    and 2**64 to PostgreSQL, which cannot compare it with a bigint.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and data.isascii() and data.isdigit():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= MAX_ID:
            self.fail("does_not_exist", pk_value=_shown(data))
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose foreign keys are `IdRelatedField`s and whose dates are bounded.

    DRF builds a plain PrimaryKeyRelatedField for every foreign key, which truncates 1.5 to 1.
    """

    serializer_related_field = IdRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }


# --- Form fields --------------------------------------------------------------------------------
# The same range for the pages: a form's date is the API's date.


class FormDateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE."""

    default_validators = [date_in_range]


class FormDateTimeField(forms.DateTimeField):
    """A date and time on a day between EARLIEST_DATE and LATEST_DATE."""

    default_validators = [datetime_in_range]


def query_datetime(request, name: str) -> datetime.datetime | None:
    """An optional ISO date and time in the query string, given once and in range, or a 400
    naming it (UTC when it gives no offset)."""
    values = request.query_params.getlist(name)
    if values in ([], [""]):
        return None
    if len(values) > 1:
        raise ValidationError({name: [_("Give this parameter once.")]})
    field = DateTimeField(default_timezone=datetime.UTC)
    field.bind(name, None)
    try:
        return field.run_validation(values[0])
    except ValidationError as error:
        raise ValidationError({name: error.detail}) from None


# --- Filters ----------------------------------------------------------------------------------


class _IdFormField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    """A row id in the query string: a whole number from 1 to MAX_ID (NumberFilter would take
    1.5 and match id 1, and pass 2**64 to PostgreSQL)."""

    field_class = _IdFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per filter, not per class: the schema takes a filter's description from its
        # annotation when it has one.
        set_override(self, "field", {**ID_SCHEMA, "description": self.label})


# --- Pagination -------------------------------------------------------------------------------


def _query_int(request, name: str, *, minimum: int, maximum: int) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationError({name: [_("Give this parameter once.")]})
    value = values[0]
    # Length first: int() refuses strings of more than 4,300 digits with a ValueError.
    if not (value.isascii() and value.isdigit() and len(value) <= 19) or not (
        minimum <= int(value) <= maximum
    ):
        raise ValidationError(
            {
                name: [
                    _("Enter a whole number from %(minimum)d to %(maximum)d.")
                    % {"minimum": minimum, "maximum": maximum}
                ]
            }
        )
    return int(value)


def query_id(request, name: str) -> int | None:
    """An optional row id in the query string, given once, from 1 to MAX_ID, or a 400 naming it.
    Empty is not given, as in a filter (`IdFilter`): a form's "any" option sends `name=`."""
    if request.query_params.getlist(name) == [""]:
        return None
    return _query_int(request, name, minimum=1, maximum=MAX_ID)


class Pagination(pagination.LimitOffsetPagination):
    """`?limit=&offset=`, each given at most once and a whole number, or a 400 naming it.

    DRF falls back to the default on a bad value and reads the last of repeated ones, so a
    client's mistake pages silently wrong. A limit above `max_limit` is capped, as in DRF.
    """

    # The whole structure is a few hundred rows; a cap keeps one request from asking for more.
    max_limit = 500

    def get_limit(self, request):
        limit = _query_int(request, self.limit_query_param, minimum=1, maximum=MAX_ID)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        offset = _query_int(request, self.offset_query_param, minimum=0, maximum=MAX_ID)
        return offset or 0

    def get_schema_operation_parameters(self, view):
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": MAX_ID},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_ID},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
            if parameter["name"] == self.limit_query_param:
                parameter["description"] = _(
                    "Number of results to return per page (at most %(max)d)."
                ) % {"max": self.max_limit}
        return parameters
