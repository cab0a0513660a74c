import json
import os
import re
import shutil
import zlib

import numpy as np
import pytest

from extractor.framing import Comparison, meeting_reports, render_html, render_markdown, write_outputs
from extractor.compare import Alignment
from tests.test_compare import CN, VN


class BagOfWords:
    """A stand-in for the sentence encoder: hashed bag of words, unit length."""

    def encode(self, texts):
        out = np.zeros((len(texts), 64), np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]+", t.lower()):
                out[i, zlib.crc32(w.encode()) % 64] += 1     # not hash(): salted per process
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def _comparison():
    return Comparison.build(VN, CN, [Alignment(0, 0, 0.91), Alignment(1, 1, 0.6)], model="test@0")


def _report():
    return _comparison().to_json()


def test_json_keys_and_types():
    r = _report()
    assert set(r) >= {"a", "b", "aligned", "only_a", "only_b", "positions", "balance"}
    assert r["a"] == {"doc_id": "vn1", "side": "vn", "outlet": "vn outlet", "date": "2030-01-01", "meeting": "m", "genre": None}
    row = r["aligned"][0]
    assert set(row) == {"a", "b", "similarity", "confidence", "differences"} and isinstance(row["similarity"], float)
    assert 0 < row["confidence"] < 1
    assert row["a"]["text"] == "agreed to expand rail links" and row["b"]["holder"] == "cn"
    assert [c["text"] for c in r["only_a"]] == ["urged restraint at sea"] and r["only_b"] == []
    assert set(r["positions"]) >= {"both", "only_a", "only_b"}
    json.dumps(r)  # serialisable as is


def test_markdown_has_the_tables():
    md = render_markdown("m", [_comparison()])
    assert "| position | A (holders) | B (holders) |" in md
    assert "| Managing maritime differences (maritime\\_differences) | vn | — |" in md
    assert re.search(r"\| 1 \| COMMITMENT/both: agreed to expand rail links \| COMMITMENT/cn: will expand rail links \| 0\.91 \| 0\.\d\d \| holder both→cn;", md)
    assert "### Only in A" in md and "urged restraint at sea" in md


def test_report_claims_are_valid_claim_records():
    from extractor.schema import schema_errors

    r = json.loads(json.dumps(_report()))      # as written to report.json
    claims = [row[k] for row in r["aligned"] for k in ("a", "b")] + r["only_a"] + r["only_b"]
    assert claims and schema_errors(claims) == []
    assert all(isinstance(p, str) for c in claims for p in c["positions"])


def test_meeting_reports_and_one_sided_meeting(tmp_path):
    lonely = VN.with_(id="vn2", meta=VN.meta | {"meeting": "solo"})
    rows = meeting_reports([VN, CN, lonely], tmp_path, BagOfWords(), "test@0")
    by = {r["meeting"]: r for r in rows}
    assert by["m"]["comparisons"] == 1 and by["m"]["aligned"] >= 1
    assert by["solo"]["comparisons"] == 0 and "Only vn-side accounts" in by["solo"]["note"]
    solo = json.loads((tmp_path / "solo" / "report.json").read_text())
    assert solo["comparisons"] == [] and "nothing to compare" in solo["notes"][0]
    for name in ("report.html", "report.md", "report.json"):
        assert (tmp_path / "m" / name).exists()
    assert "solo/report.html" in (tmp_path / "index.html").read_text()
    assert not list(tmp_path.rglob(".*.tmp"))  # atomic writes leave no temporaries


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield browser.new_page()
        browser.close()


def test_html_report_in_chromium(page, tmp_path):
    hostile = VN.with_(text=VN.text.replace("Chinh urged", "Chinh<script>window.pwned=1</script> urged"), claims=())
    s = hostile.text.index("urged restraint at sea")
    from extractor.types import Claim, Span
    hostile = hostile.with_(claims=VN.claims[:2] + (Claim(Span(s, s + 22, "CALL"), "vn"),),
                            meta=VN.meta | {"outlet": '"><img src=x onerror="window.pwned=2">'})
    html = tmp_path / "report.html"
    write_outputs({"html": html}, "m", [Comparison.build(hostile, CN, [Alignment(0, 0, 0.81), Alignment(1, 1, 0.9)])])
    page.goto(html.as_uri())
    assert page.locator("table.matrix tr[data-position='one_china']").count() == 1
    assert page.locator("mark[data-claim]").count() == 5
    assert "urged restraint at sea" in page.locator("table.only-a").inner_text()
    # clicking a claim in A highlights its counterpart in B
    page.click("mark#c0a0")
    assert "active" in page.get_attribute("mark#c0b0", "class")
    assert "active" not in (page.get_attribute("mark#c0b1", "class") or "")
    # article text and metadata are escaped: nothing ran
    assert page.evaluate("window.pwned") is None
    assert "<script>window.pwned=1</script>" in page.locator(".article").first.inner_text()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_report_folder_is_replaced_whole_or_not_at_all(tmp_path):
    out = tmp_path / "reports"
    meeting_reports([VN, CN], out, BagOfWords(), "m@1")
    before = (out / "m" / "report.json").read_text()

    class Broken(BagOfWords):
        def encode(self, texts):
            raise RuntimeError("encoder died")
    with pytest.raises(RuntimeError):
        meeting_reports([VN, CN], out, Broken(), "m@2")
    assert (out / "m" / "report.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]  # no staging folder left behind
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_hostile_meeting_ids_stay_inside_the_folder_and_never_collide(tmp_path):
    ids = ["..", "../escape", "a b", "a/b", "A b", ".hidden", "x" * 300]
    docs = [d.with_(id=f"{d.id}{i}", meta=d.meta | {"meeting": m}) for i, m in enumerate(ids) for d in (VN, CN)]
    out = tmp_path / "reports"
    rows = meeting_reports(docs, out, BagOfWords(), "m@1")
    folders = {r["meeting"]: r["href"].split("/")[0] for r in rows}
    assert len(set(f.lower() for f in folders.values())) == len(ids)          # one folder per meeting
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]          # nothing written beside it
    for meeting, folder in folders.items():
        assert (out / folder).resolve().parent == out.resolve() and not folder.startswith(".")
        assert json.loads((out / folder / "report.json").read_text())["meeting"] == meeting


def test_a_folder_readout_did_not_write_is_refused_and_left_alone(tmp_path, monkeypatch):
    from extractor.errors import InputError

    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("my work")
    with pytest.raises(InputError, match="not empty and readout did not write it"):
        meeting_reports([VN, CN], thesis, BagOfWords(), "m@1")
    assert [p.name for p in thesis.iterdir()] == ["chapter1.tex"]
    monkeypatch.chdir(thesis)                                   # `--out .`
    with pytest.raises(InputError, match="not empty"):
        meeting_reports([VN, CN], type(thesis)("."), BagOfWords(), "m@1")
    assert [p.name for p in thesis.iterdir()] == ["chapter1.tex"]


def test_a_rerun_replaces_only_what_readout_wrote(tmp_path):
    out = tmp_path / "reports"
    lonely = VN.with_(id="vn2", meta=VN.meta | {"meeting": "solo"})
    meeting_reports([VN, CN, lonely], out, BagOfWords(), "m@1")
    (out / "my-notes.txt").write_text("keep me")
    meeting_reports([VN, CN], out, BagOfWords(), "m@2")        # "solo" left the corpus
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([".readout-output.json", "index.html", "m", "my-notes.txt"])
    assert (out / "my-notes.txt").read_text() == "keep me"
    assert json.loads((out / "m" / "report.json").read_text())["comparisons"][0]["provenance"]["claims_model"] == "m@2"
    mask = os.umask(0); os.umask(mask)
    assert (out.stat().st_mode & 0o777) == (0o777 & ~mask) and ((out / "m").stat().st_mode & 0o777) == (0o777 & ~mask)


def test_aligned_pairs_most_confident_first_with_a_calibrated_confidence():
    from extractor.compare import confidence

    c = Comparison.build(VN, CN, [Alignment(1, 1, 0.55), Alignment(0, 0, 0.9)], model="test@0")
    assert [(p.a, p.b) for p in c.alignments] == [(0, 0), (1, 1)]
    r = c.to_json()
    assert [row["similarity"] for row in r["aligned"]] == [0.9, 0.55]
    cal = r["provenance"]["calibration"]
    assert [row["confidence"] for row in r["aligned"]] == [round(confidence(0.9, cal), 3), round(confidence(0.55, cal), 3)]
    assert r["aligned"][0]["confidence"] > r["aligned"][1]["confidence"]


def test_a_found_meeting_is_reported_as_found(tmp_path):
    from extractor.meetings import assign, find_meetings

    loose = [d.with_(meta=d.meta | {"meeting": None, "date": "2030-01-01"}) for d in (VN, CN)]
    docs = assign(loose, find_meetings(loose))
    rows = meeting_reports(docs, tmp_path / "r", BagOfWords(), "m@1")
    (row,) = rows
    assert row["meeting"].startswith("found-2030-01-01") and row["comparisons"] == 1
    report = json.loads((tmp_path / "r" / row["href"].replace("report.html", "report.json")).read_text())
    assert "readout grouped them" in report["notes"][0]


def test_corpus_view_in_chromium(page, tmp_path):
    """The index opens with the corpus: the heat maps' cells, the omissions and the voices
    hold the counts the claims give, and links reach the meetings."""
    docs = []
    for k, year in enumerate(("2029", "2030", "2031")):
        for d in (VN, CN):
            docs.append(d.with_(id=f"{d.id}-{k}", meta=d.meta | {"meeting": f"m{k}", "date": f"{year}-01-01"}))
    docs.append(VN.with_(id="solo", meta=VN.meta | {"meeting": "solo", "date": "2031-05-05"}))
    out = tmp_path / "reports"
    meeting_reports(docs, out, BagOfWords(), "m@1")
    page.goto((out / "index.html").as_uri())
    assert "from 4 meetings, 3 of them told by both sides" in page.locator("#corpus").inner_text()
    # Vietnamese outlets voice maritime_differences once a year (7 articles: 3 years + the solo one in 2031)
    cell = page.locator("svg.heatmap[data-side='vn'] rect[data-position='maritime_differences'][data-year='2031']")
    assert cell.get_attribute("data-count") == "2"
    assert page.locator("svg.heatmap[data-side='cn'] rect[data-position='maritime_differences']").count() == 0
    # only the Vietnamese accounts link maritime_differences, in each of the three two-sided meetings
    row = page.locator("#omissions tr", has_text="Managing maritime differences")
    assert "Vietnamese outlets" in row.inner_text() and row.locator("td[data-count]").get_attribute("data-count") == "3"
    row.locator("a", has_text="m1").click()
    assert page.url.endswith("m1/report.html")
    page.go_back()
    assert "cn 50%" in page.locator("#voices tr", has_text="cn outlet").inner_text()
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert (tmp_path / "index.png").stat().st_size > 10_000


def test_comparison_json_keeps_the_contract():
    c = _comparison()
    r = c.to_json()
    assert list(r) == ["a", "b", "aligned", "only_a", "only_b", "positions", "balance", "provenance"]
    assert {"both", "only_a", "only_b"} <= set(r["positions"]) and set(r["balance"]) == {"a", "b"}
    assert c.only_a == (2,) and c.only_b == ()
    assert [row["a"]["start"] for row in r["aligned"]] == [VN.claims[p.a].start for p in c.alignments]
    assert r["only_a"][0]["start"] == VN.claims[2].start
    assert r["provenance"]["generated"] == c.generated and r["provenance"]["claims_model"] == "test@0"
    assert c.headline() == {"aligned": 2, "only_a": 1, "only_b": 0, "positions_both": 2, "positions_only_a": 1,
                            "positions_only_b": 0}
    assert c.to_json() == r


def test_html_links_pairs_by_claim_index_not_by_offsets():
    """Two accounts with the same text, so A's and B's claims share offsets, and A holds two
    claims on the same span (start and end): each mark carries the pairs of its own claim."""
    from extractor.types import Claim, Span

    s = VN.text.index("agreed to expand rail links")
    e, t = s + len("agreed to expand rail links"), VN.text.index("urged restraint at sea")
    a = VN.with_(claims=(Claim(Span(s, e, "POSITION"), "vn"), Claim(Span(s, e, "COMMITMENT"), "both"),
                         Claim(Span(t, t + 22, "CALL"), "vn")))
    b = CN.with_(id="cn-same-text", text=VN.text, sentences=VN.sentences,
                 claims=(Claim(Span(s, e, "COMMITMENT"), "cn"), Claim(Span(t, t + 22, "CALL"), "cn")))
    c = Comparison.build(a, b, [Alignment(1, 0, 0.9), Alignment(0, 1, 0.8)])
    html = render_html("m", [c])
    pairs = dict(re.findall(r'<mark [^>]*data-claim="(c0[ab]\d)" data-pairs="([^"]*)"', html))
    assert pairs == {"c0a0": "c0p1", "c0a2": "", "c0b0": "c0p0", "c0b1": "c0p1"}   # a1 shares a0's span: not marked twice
    assert re.findall(r'<tr data-pair="(c0p\d)">', html) == ["c0p0", "c0p1"]
