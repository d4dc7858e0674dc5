"""Every history reason the code writes is a message of the Spanish catalogue.

A history row stores its reason as a fixed English msgid (or the words a person typed), and the
history page shows it in the reader's language. A reason written as a plain string or an
f-string is never translated: this reads the apps' source for every place a reason is given
(`reason=`, `default_change_reason=`, `_change_reason =`) and fails on one that is not a
marked message, or a marked one the catalogue does not translate.
"""

import ast
from pathlib import Path

from django.conf import settings
from django.utils import translation

APPS = ("r4v", "sectors", "program_cycle", "meetings", "reports")
REASON_KEYWORDS = {"reason", "default_change_reason"}
MARKERS = {"N_", "_", "gettext", "gettext_noop", "gettext_lazy", "pgettext"}


def _sources():
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _given_reasons(tree: ast.AST):
    """(line, value node) for every reason given in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in REASON_KEYWORDS:
                    yield keyword.value.lineno, keyword.value
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "_change_reason":
                    yield node.value.lineno, node.value


def _marked_text(node: ast.AST) -> str | None:
    """The msgid of `N_("...")` and its kin; None for anything else."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in MARKERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return node.args[0].value
    return None


def _problems() -> list[str]:
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        where = path.relative_to(settings.BASE_DIR)
        for line, value in _given_reasons(tree):
            if isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp):
                found.append(f"{where}:{line}: a reason in plain text; mark it with N_()")
                continue
            msgid = _marked_text(value)
            if msgid is not None:
                with translation.override("es"):
                    if translation.gettext(msgid) == msgid:
                        found.append(f"{where}:{line}: {msgid!r} is not in the Spanish catalogue")
    return found


def test_every_history_reason_is_a_translated_message():
    assert _problems() == []


def test_the_check_finds_a_plain_reason_and_an_untranslated_one(tmp_path, settings):
    # given: an app module with both faults
    (tmp_path / "r4v").mkdir()
    (tmp_path / "r4v" / "bad.py").write_text(
        "save_audited(obj, by=by, reason='Minutes written')\n"
        "save_audited(obj, by=by, reason=N_('A reason nobody translated'))\n"
        "row._change_reason = f'Action point {status}'\n"
        "save_audited(obj, by=by, reason=why)\n"
    )
    settings.BASE_DIR = tmp_path
    # when
    problems = _problems()
    # then: the two plain ones and the untranslated one; a variable passes (it carries words
    # a person typed, or a msgid chosen elsewhere)
    assert sorted(problem.split(":")[1] for problem in problems) == ["1", "2", "3"]
