"""The person's own pages: their profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm
from .forms_kit import form_service_call


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # The form's instance is the request's user, already changed by is_valid(): the
        # service compares against the stored row it locks, not against this instance.
        saved = form_service_call(
            form, services.user_profile_update, user=request.user, by=request.user, **fields
        )
        if saved is not None:
            messages.success(request, _("Your profile was saved."))
            return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})
