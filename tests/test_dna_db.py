"""`readout export dna --out X.dna`: a DNA 3 database, read back with the queries DNA 3 itself
uses (Sql.getStatement) to load a statement with its variable values."""
import json
import sqlite3

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.dna_db import (DNA_VERSION, TABLES, dna_documents, dna_password_hash, dna_password_matches,
                              epoch_seconds, fill_database, write_dna_database)
from extractor.errors import InputError
from extractor.exports import dna_statements
from extractor.types import Document

runner = CliRunner()

# Two short made-up reports of a made-up meeting, and one with an emoji.
VN_TEXT = ("HANOI, June 2 - Foreign Minister Le Van An met his Chinese counterpart Zhou Ming in Hanoi on Monday.\n\n"
           "An said Vietnam steadfastly follows the one-China policy. "
           "Both ministers agreed to settle maritime issues in line with UNCLOS.\n\n"
           "Zhou called for closer rail and road links.")
CN_TEXT = ("BEIJING, June 3 - Zhou Ming said China firmly opposes any outside interference in the region. "
           "He urged the two countries to expand trade in farm produce.")
EMOJI_TEXT = "Readers cheered online \U0001F642 and An said Vietnam welcomes more visitors from China."

DOCS = {"vn-1": (VN_TEXT, "vn", "Made-up VN outlet", "2032-06-02"),
        "cn-1": (CN_TEXT, "cn", "Made-up CN outlet", "2032-06-03T08:30:00+08:00"),
        "vn-2": (EMOJI_TEXT, "vn", "Made-up VN outlet", None)}


def documents(ids=None):
    return [Document(id=i, text=t, meta={"side": s, "outlet": o, "date": d, "meeting": "made-up-talks",
                                         "genre": "news report"})
            for i, (t, s, o, d) in DOCS.items() if ids is None or i in ids]


def claim(doc_id, phrase, label, holder, speaker, positions):
    text, side, outlet, date = DOCS[doc_id]
    start = text.index(phrase)
    return {"doc_id": doc_id, "side": side, "outlet": outlet, "date": (date or "")[:10] or None, "label": label,
            "holder": holder, "speaker": speaker, "start": start, "end": start + len(phrase), "text": phrase,
            "positions": positions, "position_scores": {p: 1.0 for p in positions}}


CLAIMS = [
    claim("vn-1", "steadfastly follows the one-China policy", "POSITION", "vn", "Le Van An", ["one_china"]),
    claim("vn-1", "agreed to settle maritime issues in line with UNCLOS", "COMMITMENT", "both", "the two sides",
          ["unclos"]),
    claim("cn-1", "firmly opposes any outside interference in the region", "POSITION", "cn", "Zhou Ming", []),
    claim("cn-1", "expand trade in farm produce", "CALL", "cn", "Zhou Ming", []),
]
EMOJI_CLAIM = claim("vn-2", "welcomes more visitors from China", "POSITION", "vn", "Le Van An", [])

# How DNA 3 reads one statement (Sql.getStatement): the statement with its type, coder,
# document date and text (a SUBSTRING of the document), then the variables of its type, then
# each value from the table for the variable's data type; a short-text value is an entity.
DNA_STATEMENTS = ("SELECT STATEMENTS.ID AS StatementId, StatementTypeId, STATEMENTTYPES.Label AS StatementTypeLabel, "
                  "STATEMENTTYPES.Red AS StatementTypeRed, STATEMENTTYPES.Green AS StatementTypeGreen, "
                  "STATEMENTTYPES.Blue AS StatementTypeBlue, Start, Stop, STATEMENTS.Coder AS CoderId, "
                  "CODERS.Name AS CoderName, CODERS.Red AS CoderRed, CODERS.Green AS CoderGreen, "
                  "CODERS.Blue AS CoderBlue, DocumentId, DOCUMENTS.Date AS Date, "
                  "SUBSTRING(DOCUMENTS.Text, Start + 1, Stop - Start) AS Text "
                  "FROM STATEMENTS "
                  "INNER JOIN CODERS ON STATEMENTS.Coder = CODERS.ID "
                  "INNER JOIN STATEMENTTYPES ON STATEMENTS.StatementTypeId = STATEMENTTYPES.ID "
                  "INNER JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId "
                  "ORDER BY DOCUMENTS.DATE ASC")
DNA_VARIABLES = "SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = ?"
DNA_SHORT_TEXT = ("SELECT E.ID AS EntityId, StatementId, E.VariableId, DST.ID AS DataId, E.Value, Red, Green, Blue, "
                  "ChildOf FROM DATASHORTTEXT AS DST LEFT JOIN ENTITIES AS E ON E.ID = DST.Entity "
                  "AND E.VariableId = DST.VariableId WHERE DST.StatementId = ? AND DST.VariableId = ?")
DNA_VALUE = "SELECT Value FROM {table} WHERE VariableId = ? AND StatementId = ?"
DNA_ATTRIBUTES = ("SELECT AttributeVariable, AttributeValue FROM ATTRIBUTEVALUES AS AVAL "
                  "INNER JOIN ATTRIBUTEVARIABLES AS AVAR ON AVAL.AttributeVariableId = AVAR.ID WHERE EntityId = ?")


def read_as_dna(path):
    """Every statement as DNA 3 would load it: a dict of its fields and variable values."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    query = DNA_STATEMENTS
    if sqlite3.sqlite_version_info < (3, 34):      # SUBSTRING is SQLite's name for substr since 3.34
        query = query.replace("SUBSTRING(", "substr(")
    out = []
    for s in con.execute(query).fetchall():
        values = {}
        for v in con.execute(DNA_VARIABLES, (s["StatementTypeId"],)).fetchall():
            if v["DataType"] == "short text":
                e = con.execute(DNA_SHORT_TEXT, (s["StatementId"], v["ID"])).fetchone()
                attrs = dict(con.execute(DNA_ATTRIBUTES, (e["EntityId"],)).fetchall())
                values[v["Variable"]] = (e["Value"], attrs)
            else:
                table = {"boolean": "DATABOOLEAN", "integer": "DATAINTEGER", "long text": "DATALONGTEXT"}[v["DataType"]]
                values[v["Variable"]] = con.execute(DNA_VALUE.format(table=table), (v["ID"], s["StatementId"])).fetchone()[0]
        doc = con.execute("SELECT Title, Text FROM DOCUMENTS WHERE ID = ?", (s["DocumentId"],)).fetchone()
        out.append({**dict(s), "values": values, "document": doc["Title"], "document_text": doc["Text"]})
    con.close()
    return sorted(out, key=lambda r: r["StatementId"])


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "corpus.dna"
    counts, warnings = write_dna_database(CLAIMS, documents(), path, password="pass word")
    assert counts == {"documents": 2, "statements": 5, "entities": 8} and warnings == []
    return path


def test_the_database_has_dna_3s_tables_and_default_contents(database):
    con = sqlite3.connect(database)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(TABLES)
    assert dict(con.execute("SELECT Property, Value FROM SETTINGS")) == {"version": DNA_VERSION, "date": "2026-01-24"}
    assert DNA_VERSION.startswith("3.0")       # DNA 3 reads a version starting with 2 as a DNA 2 database
    (coder_id, name, password), = con.execute("SELECT ID, Name, Password FROM CODERS")
    assert (coder_id, name) == (1, "Admin") and dna_password_matches("pass word", password)
    assert not dna_password_matches("password", password)
    assert con.execute("SELECT ID, Label FROM STATEMENTTYPES WHERE ID = 1").fetchone() == (1, "DNA Statement")
    assert con.execute("SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = 1 ORDER BY ID").fetchall() == [
        (1, "person", "short text"), (2, "organization", "short text"), (3, "concept", "short text"),
        (4, "agreement", "boolean")]
    assert con.execute("SELECT COUNT(*) FROM ATTRIBUTEVARIABLES").fetchone() == (9,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    doc = con.execute("SELECT Title, Source, Section, Type, Date, Coder FROM DOCUMENTS WHERE Title = 'cn-1'").fetchone()
    assert doc == ("cn-1", "Made-up CN outlet", "made-up-talks", "cn", epoch_seconds("2032-06-03T00:30:00Z"), 1)
    # one entity per variable and value (the empty person included), each with DNA's empty attributes
    assert con.execute("SELECT VariableId, Value FROM ENTITIES ORDER BY ID").fetchall() == [
        (1, "Le Van An"), (2, "Vietnam"), (3, "one_china"), (1, ""), (3, "unclos"), (2, "China"),
        (1, "Zhou Ming"), (3, "no_position")]
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT EntityId) FROM ATTRIBUTEVALUES").fetchone() == (24, 8)


def test_dnas_own_statement_query_gives_every_statement_with_its_values(database):
    got = read_as_dna(database)
    expected = dna_statements(CLAIMS)
    assert len(got) == len(expected) == 5
    for row, want in zip(got, expected):
        values = row["values"]
        assert (row["StatementTypeLabel"], row["CoderName"], row["document"]) == ("DNA Statement", "Admin", want["document"])
        assert (values["person"][0], values["organization"][0], values["concept"][0], values["agreement"]) == (
            want["person"], want["organization"], want["concept"], int(want["agreement"]))
        assert values["person"][1] == {"Type": "", "Alias": "", "Notes": ""}
        # the statement's text is the document's text[start:stop], and it is the claim's text
        assert row["Text"] == row["document_text"][row["Start"]:row["Stop"]] == want["text"]
    assert [(r["values"]["organization"][0], r["values"]["concept"][0], r["values"]["agreement"]) for r in got] == [
        ("Vietnam", "one_china", 1), ("Vietnam", "unclos", 1), ("China", "unclos", 1),
        ("China", "no_position", 0), ("China", "no_position", 1)]


def test_a_joint_claim_is_two_statements_on_the_same_text(database):
    joint = [r for r in read_as_dna(database) if r["values"]["concept"][0] == "unclos"]
    assert [r["values"]["organization"][0] for r in joint] == ["Vietnam", "China"]
    assert {(r["Start"], r["Stop"], r["Text"], r["values"]["person"][0]) for r in joint} == {
        (CLAIMS[1]["start"], CLAIMS[1]["end"], CLAIMS[1]["text"], "")}     # "the two sides" is no person


def test_a_claim_whose_document_is_missing_or_different_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"document 'cn-1' named by the claims is not in the --corpus"):
        dna_documents(CLAIMS, documents({"vn-1"}))
    changed = [Document(id="vn-1", text=VN_TEXT.replace("steadfastly", "firmly"), meta={})]
    with pytest.raises(InputError, match=r"document 'vn-1': text\[\d+:\d+\] is .* not the claim's"):
        dna_documents(CLAIMS[:1], changed)
    with pytest.raises(InputError, match="do not lie in its text"):
        dna_documents([dict(CLAIMS[0], end=10_000)], documents({"vn-1"}))
    out = tmp_path / "x.dna"
    with pytest.raises(InputError):     # fails while the database is being filled (a value DNA refuses)
        write_dna_database([dict(CLAIMS[0], speaker="Le " + "x" * 200)], documents({"vn-1"}), out)
    assert list(tmp_path.iterdir()) == []          # nothing half-written left behind


def test_dates_and_characters_dna_counts_differently():
    assert epoch_seconds("2032-06-02") == epoch_seconds("2032-06-02T00:00:00Z") == epoch_seconds("2032-06-02T00:00:00")
    assert epoch_seconds("2032-06-02T08:00:00+08:00") == epoch_seconds("2032-06-02")
    assert epoch_seconds("June 2") is None and epoch_seconds(None) is None
    docs, warnings = dna_documents([EMOJI_CLAIM], documents({"vn-2"}))
    assert docs[0].date == 0
    assert any("no date" in w for w in warnings) and any("outside the BMP" in w for w in warnings)
    con = sqlite3.connect(":memory:")
    fill_database(con, docs, dna_statements([EMOJI_CLAIM]), dna_password_hash("x"))
    text, = con.execute("SELECT substr(DOCUMENTS.Text, Start + 1, Stop - Start) FROM STATEMENTS "
                        "JOIN DOCUMENTS ON DOCUMENTS.ID = STATEMENTS.DocumentId").fetchone()
    assert text == EMOJI_CLAIM["text"]             # SQLite counts code points, as readout's offsets do


def test_the_password_digest_is_jasypts():
    # a digest jasypt's StrongPasswordEncryptor made for "classta" (seed data of a public web-app exercise)
    made_by_jasypt = "RpQVP/xEt56zwoeunWtFe0F4Bwn2nuU7de8DixjUcZWBFb6zG8Bf0F6vsYDfuDtE"
    assert dna_password_matches("classta", made_by_jasypt) and not dna_password_matches("classta1", made_by_jasypt)
    assert len(dna_password_hash("readout")) == 64


def test_cli_writes_a_database_dna_reads_back_and_keeps_the_csv(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": d.id, "text": d.text, **d.meta.to_dict()}) + "\n" for d in documents()),
                      encoding="utf-8")
    claims = tmp_path / "claims.jsonl"
    claims.write_text("".join(json.dumps(c) + "\n" for c in CLAIMS), encoding="utf-8")
    out = tmp_path / "corpus.dna"

    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(out)])
    assert r.exit_code == 2 and "--corpus" in r.output and not out.exists()
    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(out), "--corpus", str(corpus)])
    assert r.exit_code == 0, r.output
    assert "wrote 5 statements in 2 documents" in r.output and "password 'readout'" in r.output
    got = read_as_dna(out)
    assert [(g["values"]["person"][0], g["Text"]) for g in got] == [(s["person"], s["text"]) for s in dna_statements(CLAIMS)]
    con = sqlite3.connect(out)
    assert dna_password_matches("readout", con.execute("SELECT Password FROM CODERS").fetchone()[0])
    con.close()

    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(out), "--corpus", str(corpus)])
    assert r.exit_code == 2 and "already exists" in r.output and "--overwrite" in r.output
    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(out), "--corpus", str(corpus), "--overwrite",
                            "--password", "other"])
    assert r.exit_code == 0, r.output
    con = sqlite3.connect(out)
    assert dna_password_matches("other", con.execute("SELECT Password FROM CODERS").fetchone()[0])
    con.close()

    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"id": "vn-1", "text": "A different text altogether, long enough for offsets. " * 3,
                                 "side": "vn"}) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(tmp_path / "w.dna"), "--corpus", str(wrong)])
    assert r.exit_code == 2 and "error: document 'cn-1'" in r.output and len(r.output.strip().splitlines()) == 1
    assert not (tmp_path / "w.dna").exists()

    csv_out = tmp_path / "statements.csv"
    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(csv_out)])
    assert r.exit_code == 0 and "wrote 5 statements" in r.output
    assert csv_out.read_text().splitlines()[0].startswith("statement_id,document,date")
    r = runner.invoke(app, ["export", "dna", str(claims), "--out", str(tmp_path / "s.xlsx")])
    assert r.exit_code == 2 and ".csv" in r.output and ".dna" in r.output
