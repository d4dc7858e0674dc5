"""The public contact directory: every published co-coordinator contact, filtered, downloadable."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from r4v.forms import BootstrapMixin

from .. import directory
from ..models import Country, Platform, Sector


class DirectoryFilterForm(BootstrapMixin, forms.Form):
    """The visitor's filters, by the codes that appear in shareable URLs."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="iso_code",
        required=False,
        empty_label=_("All countries"),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"),
        queryset=Platform.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All platforms"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.filter(kind__in=[Sector.Kind.SECTOR, Sector.Kind.SUB_SECTOR]),
        to_field_name="code",
        required=False,
        empty_label=_("All sectors"),
    )

    def filters(self) -> directory.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return directory.Filters(
            country=data.get("country"),
            platform=data.get("platform"),
            sector=data.get("sector"),
            text=data.get("q", ""),
        )


def _rows(request):
    form = DirectoryFilterForm(request.GET or None)
    return form, list(directory.contacts(form.filters()))


@require_safe
def contact_directory(request):
    form, rows = _rows(request)
    return render(
        request,
        "sectors/public/directory.html",
        {"form": form, "rows": rows, "query": request.GET.urlencode()},
    )


@require_safe
def contact_directory_csv(request):
    _form, rows = _rows(request)
    response = HttpResponse(directory.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="r4v-contacts.csv"'
    return response


@require_safe
def contact_directory_vcf(request):
    _form, rows = _rows(request)
    response = HttpResponse(directory.as_vcards(rows), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="r4v-contacts.vcf"'
    return response
