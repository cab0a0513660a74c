"""Meetings found from date, officials and kind of contact; a given meeting wins."""
import json

from typer.testing import CliRunner

from extractor.cli import app
from extractor.meetings import assign, find_meetings, pairwise_scores, same_meeting, signature
from extractor.types import Document


def doc(id_, side, day, lead, meeting=None):
    meta = {"side": side, "date": day} | ({"meeting": meeting} if meeting else {})
    return Document(id_, lead + " The rest of the article follows here.", meta)


DOCS = [
    doc("v1", "vn", "2030-03-01", "Party chief Nguyen Phu Trong held talks with Xi Jinping in Beijing on Monday."),
    doc("c1", "cn", "2030-03-02", "Xi Jinping met Nguyen Phu Trong, the visiting Vietnamese party leader."),
    doc("c2", "cn", "2030-03-02", "Premier Li Qiang met Pham Minh Chinh on the sidelines of a summit."),
    doc("v2", "vn", "2030-03-01", "Xi Jinping and Nguyen Phu Trong spoke by phone on Monday."),
    doc("v3", "vn", "2030-05-20", "Xi Jinping received Nguyen Phu Trong in Beijing."),
    doc("g1", "vn", "2030-03-01", "Xi Jinping met Nguyen Phu Trong.", meeting="given-one"),
]


def test_same_meeting_needs_close_dates_shared_officials_and_the_same_kind_of_contact():
    s = {d.id: signature(d) for d in DOCS}
    assert s["v1"].people == {"Nguyen Phu Trong", "Xi Jinping"} and s["v2"].contact == "phone"
    assert same_meeting(s["v1"], s["c1"]) == 1.0                       # a day apart, the same two officials
    assert same_meeting(s["v1"], s["c2"]) == 0.0                       # other officials
    assert same_meeting(s["v1"], s["v2"]) == 0.0                       # a phone call is another contact
    assert same_meeting(s["v1"], s["v3"]) == 0.0                       # eleven weeks later


def test_find_meetings_groups_the_loose_articles_and_keeps_a_given_meeting():
    found = find_meetings(DOCS)
    groups = sorted(sorted(a["doc_id"] for a in m.articles) for m in found)
    assert groups == [["c1", "v1"], ["c2"], ["g1"], ["v2"], ["v3"]]
    given = next(m for m in found if m.given)
    assert given.id == "given-one" and given.confidence == 1.0
    pair = next(m for m in found if len(m.articles) == 2)
    assert pair.id.startswith("found-2030-03-01-") and pair.confidence == 1.0 and "officials:" in pair.evidence[-1]
    labelled = {d.id: d.meta.meeting for d in assign(DOCS, found)}
    assert labelled["v1"] == labelled["c1"] == pair.id and labelled["g1"] == "given-one"


def test_pairwise_scores():
    truth = {"a": "m1", "b": "m1", "c": "m1", "d": "m2"}
    found = {"a": "x", "b": "x", "c": "y", "d": "y"}
    s = pairwise_scores(truth, found)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 2) and s["precision"] == 0.5 and s["recall"] == round(1 / 3, 4)


def test_cli_writes_one_line_per_meeting(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text, **d.meta.to_dict()}) + "\n" for d in DOCS))
    r = CliRunner().invoke(app, ["meetings", str(corpus), "--out", str(tmp_path / "m.jsonl")])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert len(lines) == 5 and sum(line["given"] for line in lines) == 1
    assert "5 meetings (1 named by the corpus, 4 found)" in r.output
