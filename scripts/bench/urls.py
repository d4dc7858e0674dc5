from django.urls import path

from r4v.urls import urlpatterns as product

from . import views

urlpatterns = [
    path("bench/plain/", views.plain_constant),
    path("bench/drf/", views.DrfConstant.as_view()),
    path("bench/hand/platform-sectors/", views.hand_platform_sectors),
    path("bench/hand/platforms/", views.hand_platforms),
    path("bench/hand/sectors/", views.hand_sectors),
    path("bench/hand/organizations/", views.hand_organizations),
    path("bench/hand/countries/", views.hand_countries),
    path("bench/hand/meetings/", views.hand_meetings),
    path("bench/hand/tasks/", views.hand_tasks),
    path("bench/template/platform/<slug:code>/", views.template_platform),
    path("bench/template/sector/<slug:platform>/<slug:sector>/", views.template_sector),
    *product,
]
