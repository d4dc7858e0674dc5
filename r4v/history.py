"""The history of a record — who changed what, when and why — one page for every app.

Apps register the models whose history may be shown (`register`, from their AppConfig.ready):
a slug for the URL, who may see a record's history (the app's own scope rule: its policy, or
the object's scope method; this module knows no app), where the record is managed, and the
histories of the records that belong on its page (a sector set-up's co-leads, co-coordinators
and partners). A record whose history the viewer may not see answers 404, as a missing one does.

Rows come from simple-history. `history_rows` gives each row the changes from the row before it,
relations named (never raw ids), choices by their labels, and a creation's values. Pages are
paged in the database across the record's and its related records' histories (one UNION of the
history tables), so a page costs the same number of queries however long the history grows.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import F, IntegerField, Value, Window
from django.db.models.functions import Lag
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .paging import paginate
from .services import SYSTEM_EMAIL

PER_PAGE = 50
ORDER = ("-history_date", "-history_id")


@dataclasses.dataclass(frozen=True)
class Source:
    """Some history rows to show: a record's own, or those of records that belong with it.

    `label(row)` names the record a row is about (None: the page's own record); it may read the
    relations named in `select_related`, which are loaded with the rows.
    """

    versions: models.QuerySet
    label: Callable[[Any], str] | None = None
    select_related: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Subject:
    slug: str
    model: type[models.Model]
    # (user, record) -> whether the user may see its history. For a deleted record, the record
    # as its last history row left it (its scope fields are still set).
    may_view: Callable[[Any, models.Model], bool]
    manage_url: Callable[[models.Model], str | None]
    related: Callable[[models.Model], list[Source]]


_SUBJECTS: dict[str, Subject] = {}


def register(
    slug: str,
    model: type[models.Model],
    *,
    may_view: Callable[[Any, models.Model], bool],
    manage_url: Callable[[models.Model], str | None] | None = None,
    related: Callable[[models.Model], list[Source]] | None = None,
) -> None:
    """Let the history page show `model`'s records under `slug` to those `may_view` admits."""
    known = _SUBJECTS.get(slug)
    if known is not None and known.model is not model:
        raise ImproperlyConfigured(f"History slug {slug!r} is taken by {known.model.__name__}.")
    _SUBJECTS[slug] = Subject(
        slug=slug,
        model=model,
        may_view=may_view,
        manage_url=manage_url or (lambda record: None),
        related=related or (lambda record: []),
    )


def _subject_of(model: type[models.Model]) -> Subject | None:
    for subject in _SUBJECTS.values():
        if subject.model is model:
            return subject
    return None


def history_url(model: type[models.Model] | models.Model, pk: int | None = None) -> str | None:
    """The history page of a record (an instance, or its model and pk); None if unregistered."""
    if isinstance(model, models.Model):
        model, pk = type(model), model.pk
    subject = _subject_of(model)
    if subject is None:
        return None
    return reverse("history", kwargs={"model": subject.slug, "pk": pk})


def versions_of(model: type[models.Model]) -> models.QuerySet:
    """Every history row of `model` (its simple-history manager, whatever it is called)."""
    return getattr(model, model._meta.simple_history_manager_attribute).all()


# --- Rows and their changes --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldChange:
    label: str
    old: Any
    new: Any


def _m2m_names(row) -> set[str]:
    return {field.name for field in getattr(row, "_history_m2m_fields", ())}


def _shown(field, value, names: dict):
    """A stored value as a reader knows it: a name for a relation, a label for a choice."""
    if field.many_to_many:
        shown = [names.get((field.related_model, pk)) for pk in sorted(value)]
        return ", ".join(str(name) for name in shown) or None
    if value is None or value == "":
        return None
    if field.is_relation:
        return names.get((field.related_model, value), _("a deleted record"))
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return value


def _m2m_values(rows: list) -> dict[tuple[int, str], frozenset]:
    """(history_id, field) -> the ids the row held, for every many-to-many field: one query per
    field and model, where diff_against would take two per row."""
    values = defaultdict(set)
    by_model = defaultdict(list)
    for row in rows:
        by_model[type(row)].append(row)
    for model_rows in by_model.values():
        sample = model_rows[0]
        for name in _m2m_names(sample):
            through = getattr(sample, name).model
            target = sample.instance_type._meta.get_field(name)
            target_column = target.m2m_reverse_name()
            pairs = through._default_manager.filter(
                history_id__in=[r.history_id for r in model_rows]
            ).values_list("history_id", target_column)
            for history_id, target_id in pairs:
                values[(history_id, name)].add(target_id)
    return defaultdict(frozenset, {key: frozenset(ids) for key, ids in values.items()})


def _names(wanted: dict[type, set]) -> dict[tuple[type, Any], str]:
    """Names of related records, one query per related model (not per row)."""
    names = {}
    for model, pks in wanted.items():
        pks.discard(None)
        if not pks:
            continue
        # A name such as "UNHCR – Regional · Health" reads its own relations: join them.
        joined = model._default_manager.all()
        if relations := _required_relations(model):
            joined = joined.select_related(*relations)
        for pk, obj in joined.in_bulk(pks).items():
            names[(model, pk)] = str(obj)
    return names


def _required_relations(model, depth: int = 3, prefix: str = "") -> list[str]:
    """Paths of the non-null foreign keys from `model`, `depth` deep: what select_related()
    without arguments joined (and what a record's name reads)."""
    paths = []
    for field in model._meta.concrete_fields:
        if field.many_to_one and not field.null:
            path = f"{prefix}{field.name}"
            paths.append(path)
            if depth > 1:
                paths += _required_relations(field.related_model, depth - 1, f"{path}__")
    return paths


def history_rows(rows: Iterable, *, context: Iterable = ()) -> list:
    """History rows, newest first, each with `.changes`: what differs from the row before it.

    `rows` may mix records and models; a row whose predecessor is not among `rows` or `context`
    (the rows before a page's oldest, loaded only for their diffs) gets no changes, unless it
    is a creation, which shows the values it set. Costs one query per related model named and
    per many-to-many field, whatever the number of rows.
    """
    shown = list(rows)
    shown_ids = {id(row) for row in shown}
    only_context = {id(row) for row in context if id(row) not in shown_ids}
    rows = shown + [row for row in context if id(row) in only_context]
    m2m = _m2m_values(rows)
    by_record = defaultdict(list)
    for row in rows:
        by_record[(type(row), row.id)].append(row)
        # The system account's stored name is English; the page names it in the reader's
        # language. Callers select_related("history_user"), so this reads no row.
        row.by_system = getattr(getattr(row, "history_user", None), "email", None) == SYSTEM_EMAIL
        row.changes = []
    raw = []  # (row, field, old, new) before the relations are named
    for record_rows in by_record.values():
        record_rows.sort(key=lambda r: (r.history_date, r.history_id))
        first = record_rows[0]
        if first.history_type == "+" and id(first) not in only_context:
            raw += _created(first, m2m)
        for old, new in pairwise(record_rows):
            raw += _differences(old, new, m2m)
    wanted = defaultdict(set)
    for _row, field, old, new in raw:
        if field.many_to_many:
            wanted[field.related_model] |= old | new
        elif field.is_relation:
            wanted[field.related_model] |= {old, new}
    names = _names(wanted)
    for row, field, old, new in raw:
        row.changes.append(
            FieldChange(
                label=str(field.verbose_name),
                old=_shown(field, old, names),
                new=_shown(field, new, names),
            )
        )
    return sorted(shown, key=lambda r: (r.history_date, r.history_id), reverse=True)


def _created(row, m2m) -> list:
    """What a creation set: every field given a value, relations included."""
    created = []
    for field in row.tracked_fields:
        if field.primary_key or not field.editable:
            continue
        value = getattr(row, field.attname)
        if value is not None and value != "":
            created.append((row, _model_field(row, field.name), None, value))
    for name in sorted(_m2m_names(row)):
        if ids := m2m[(row.history_id, name)]:
            created.append((row, row.instance_type._meta.get_field(name), frozenset(), ids))
    return created


def _differences(old, new, m2m) -> list:
    # Many-to-many fields are compared from the values loaded for the whole page.
    delta = new.diff_against(old, excluded_fields=_m2m_names(new))
    changes = [(new, _model_field(new, c.field), c.old, c.new) for c in delta.changes]
    for name in sorted(_m2m_names(new)):
        before, after = m2m[(old.history_id, name)], m2m[(new.history_id, name)]
        if before != after:
            changes.append((new, new.instance_type._meta.get_field(name), before, after))
    return changes


def _model_field(row, name: str):
    # The record's own field: its verbose name, choices and related model, as the forms show them.
    return row.instance_type._meta.get_field(name)


# --- Pages of rows from several sources --------------------------------------------------------


def _keys(sources: list[Source]) -> models.QuerySet:
    """(history_date, history_id, source, previous) of every row of every source, newest first.

    `previous` is the history_id of the record's row before this one: a page loads those rows
    with its own, so its oldest row of each record still shows what it changed, without a
    query per record. A source holds every row of its records (it selects by record, never by
    date), so the window sees each record's whole history.
    """
    keyed = [
        source.versions.order_by()
        .annotate(
            source=Value(index, output_field=IntegerField()),
            previous=Window(
                Lag("history_id"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            ),
        )
        .values_list("history_date", "history_id", "source", "previous")
        for index, source in enumerate(sources)
    ]
    union = keyed[0].union(*keyed[1:], all=True) if len(keyed) > 1 else keyed[0]
    return union.order_by(*ORDER, "source")


def _entries(sources: list[Source], keys: list[tuple]) -> list:
    """The rows that `keys` name, in that order, with their changes and record labels: one
    query per source on the page (the rows before them included), whatever its length."""
    wanted = defaultdict(set)
    for _date, history_id, index, previous in keys:
        wanted[index] |= {history_id, previous}
    by_key, loaded = {}, []
    for index, history_ids in wanted.items():
        source = sources[index]
        history_ids.discard(None)
        rows = list(
            source.versions.model._default_manager.filter(
                history_id__in=history_ids
            ).select_related("history_user", *source.select_related)
        )
        for row in rows:
            row.record_label = source.label(row) if source.label else None
            row.record_url = history_url(row.instance_type, row.id) if source.label else None
            by_key[(index, row.history_id)] = row
        loaded += rows
    shown = [by_key[(index, history_id)] for _date, history_id, index, _previous in keys]
    history_rows(shown, context=loaded)
    return shown


def recent(sources: list[Source], limit: int) -> list:
    """The newest `limit` rows of `sources`, as on a page ("Recent changes")."""
    return _entries(sources, list(_keys(sources)[:limit]))


def sources_of(record: models.Model) -> list[Source]:
    """A registered record's own history and the histories that belong on its page."""
    subject = _subject_of(type(record))
    own = Source(versions_of(type(record)).filter(id=record.pk))
    return [own, *(subject.related(record) if subject else [])]


# --- The page ----------------------------------------------------------------------------------


@login_required
def history(request, model: str, pk: int):
    subject = _SUBJECTS.get(model)
    if subject is None:
        raise Http404
    record = subject.model._default_manager.filter(pk=pk).first()
    own = versions_of(subject.model).filter(id=pk)
    scoped = record
    if record is None:
        # A deleted record: its scope is what its last row recorded.
        newest = own.order_by(*ORDER).first()
        if newest is None:
            raise Http404
        scoped = newest.instance
    if not subject.may_view(request.user, scoped):
        raise Http404
    sources = sources_of(record) if record is not None else [Source(own)]
    page = paginate(request, _keys(sources), per_page=PER_PAGE)
    return render(
        request,
        "r4v/history.html",
        {
            "record": record,
            "record_label": str(scoped),
            "manage_url": subject.manage_url(record) if record is not None else None,
            "model_name": subject.model._meta.verbose_name,
            "records": _entries(sources, list(page.object_list)),
            "page": page,
        },
    )
