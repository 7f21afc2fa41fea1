"""A template tag builds what it shows from forms and selectors, never from a view: a view is
the outermost layer, and a tag that imports one ties every template that loads it to that view."""

import ast
from pathlib import Path

from django.conf import settings


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _is_view(part: str) -> bool:
    # offers.views, matching.views.matching, screening.views_triage; not case_contact_overviews.
    return part == "views" or part.startswith("views_")


def test_no_template_tag_imports_a_view():
    root = Path(settings.BASE_DIR)
    offenders = {
        path.relative_to(root).as_posix(): sorted(
            name for name in _imports(path) if any(_is_view(part) for part in name.split("."))
        )
        for path in root.glob("*/templatetags/*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
