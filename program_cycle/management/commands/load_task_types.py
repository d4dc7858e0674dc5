from django.core.management.base import BaseCommand

from program_cycle.services import task_types_load
from r4v.services import system_user


class Command(BaseCommand):
    help = "Load the program-cycle task types of seed 000 and their clearance paths (idempotent)."

    def handle(self, *args, **options):
        counts = task_types_load(by=system_user())
        self.stdout.write(
            "Task types: {created} created, {updated} updated, {unchanged} unchanged".format(
                created=counts["created"], updated=counts["updated"], unchanged=counts["unchanged"]
            )
        )
