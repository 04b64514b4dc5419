"""makemessages with the project's defaults: both languages, entries sorted by msgid and no source
locations, so that two branches adding strings touch different lines of django.po (no churn of
`#: file:line` comments, no merge conflicts on them).

    python manage.py makemessages            # = -l ms -l en, ignoring .venv, node_modules, tests, bench
"""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]
    xgettext_options = [*makemessages.Command.xgettext_options, "--sort-output"]

    def handle(self, *args, **options):
        if not options["locale"] and not options["all"]:
            options["locale"] = ["ms", "en"]
        options["no_location"] = True
        options["ignore_patterns"] = [
            *options.get("ignore_patterns", []), ".venv", "node_modules", "tests", "bench", ".devdata",
        ]
        return super().handle(*args, **options)
