"""The one atomic writer and safe names from data."""
import pytest

from extractor.outputs import atomic, safe_component, write_text_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "claims.csv"
    write_text_atomic(target, "old\n")
    with pytest.raises(RuntimeError):
        with atomic(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv"]
    write_text_atomic(tmp_path / "new" / "x.json", "{}\n")        # creates the folder
    assert (tmp_path / "new" / "x.json").read_text() == "{}\n"


@pytest.mark.parametrize("name", ["..", ".", "../x", "a/b", "a\\b", "", "\x00", "é" * 200])
def test_safe_component_never_leaves_the_folder(name):
    out = safe_component(name, set())
    assert out and "/" not in out and "\\" not in out and not out.startswith(".") and len(out) <= 90


def test_safe_component_keeps_plain_ids_and_separates_collisions():
    used = set()
    assert safe_component("xi-trong-2015", used) == "xi-trong-2015"
    a, b = safe_component("a b", used), safe_component("a/b", used)
    assert a != b and a.startswith("a-b-") and b.startswith("a-b-")
    assert safe_component("XI-TRONG-2015", used) != "XI-TRONG-2015"       # case-insensitive file systems
