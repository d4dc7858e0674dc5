import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "r4v.settings")

app = Celery("r4v")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
