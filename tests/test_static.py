"""Names a code path uses but nothing defines (a constant lost in an edit) fail here, not in
the middle of a half-hour evaluation."""
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "extractor"


def test_no_undefined_names_in_the_package():
    pyflakes_api = pytest.importorskip("pyflakes.api")
    from pyflakes import messages, reporter

    class Collect(reporter.Reporter):
        def __init__(self):
            self.found = []

        def flake(self, message):
            if isinstance(message, (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)):
                self.found.append(str(message))

        def syntaxError(self, *args):
            self.found.append(f"syntax error: {args}")

        def unexpectedError(self, filename, msg):
            self.found.append(f"{filename}: {msg}")

    r = Collect()
    for path in sorted(PACKAGE.rglob("*.py")):
        pyflakes_api.check(path.read_text(encoding="utf-8"), str(path), r)
    assert r.found == []
