from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, reverse_lazy
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView

from . import forms, history, views
from .api import TokenObtainView, api_not_found, router

# Pages keep their language in their URL (/en/..., /es/...): a shared Spanish link opens in
# Spanish, and a cached page is one language's. A bare path ("/platforms/") redirects to the
# visitor's language (cookie, then browser). The API, the admin and /i18n/ have no prefix:
# the API answers in the Accept-Language it is sent.
urlpatterns = i18n_patterns(
    path("", include("sectors.home_urls")),
    # The person's own pages (the shared kit: every app adds to My work and sends to the inbox).
    path("my-work/", views.my_work, name="my-work"),
    path("inbox/", views.inbox, name="inbox"),
    path("", include("sectors.urls")),
    path("", include("program_cycle.urls")),
    path("", include("meetings.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=forms.AuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/api-tokens/", views.api_token, name="api-token"),
    # Two-step verification (r4v/mfa.py): the page, setting it up, and the code after the password.
    path("accounts/two-step/", views.mfa_manage, name="mfa"),
    path("accounts/two-step/set-up/", views.mfa_enrol, name="mfa-enrol"),
    path("accounts/two-step/code/", views.mfa_verify, name="mfa-verify"),
    # Every app's records (r4v.history.register); unknown or out-of-scope records answer 404.
    path("manage/history/<slug:model>/<int:pk>/", history.history, name="history"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    prefix_default_language=True,
) + [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        # Our page rather than drf-spectacular's, whose inline script the CSP refuses.
        TemplateView.as_view(
            template_name="r4v/api_docs.html",
            extra_context={"schema_url": reverse_lazy("api-schema")},
        ),
        name="api-docs",
    ),
    path("api/v1/auth/token/", TokenObtainView.as_view(), name="api-token-obtain"),
    path("api/v1/", include(router.urls)),
    # Anything else under the API (an id that is not a number, an unknown path) answers the
    # API's JSON 404, not the site's HTML page.
    re_path(r"^api/v1/.*$", api_not_found),
    path("admin/", admin.site.urls),
]
