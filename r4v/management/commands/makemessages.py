from django.core.management.commands import makemessages


class Command(makemessages.Command):
    # History reasons are stored as their English msgid and translated when a page shows them
    # (r4v.history); services mark them with `gettext_noop as N_`, which xgettext does not know.
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
