"""The site's front page, which shows the structure. Outside the `sectors:` namespace: every
page links to it as "home"."""

from django.urls import path

from .views.public import home

urlpatterns = [path("", home, name="home")]
