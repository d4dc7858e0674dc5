from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sectors.views.public import home

from .api import TokenObtainView, router

urlpatterns = [
    path("", home, name="home"),
    path("", include("sectors.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/token/", TokenObtainView.as_view(), name="api-token-obtain"),
    path("api/v1/", include(router.urls)),
    path("admin/", admin.site.urls),
]
