"""The claim schema shipped in the package: it matches the label registry, accepts what
readout writes and refuses what the contract forbids."""
import json

import pytest

from extractor import labels
from extractor.errors import InputError
from extractor.schema import load_schema, schema_errors
from extractor.records import claim_record
from extractor.types import Claim, PositionLink, Span


def _record(tiny_doc):
    claim = Claim(Span(8, 51, "COMMITMENT", 0.91), holder="cn", speaker="Xi Jinping",
                  positions=(PositionLink("one_china", 0.75),), source="model:test")
    return claim_record(tiny_doc, claim)


def test_schema_enums_are_the_label_registry():
    props = load_schema("claim")["properties"]
    assert tuple(props["label"]["enum"]) == labels.LABELS
    assert set(props["holder"]["enum"]) - {None} == set(labels.HOLDERS)


def test_claim_record_is_valid_and_positions_are_id_strings(tiny_doc):
    rec = _record(tiny_doc)
    assert rec["positions"] == ["one_china"] and rec["position_scores"] == {"one_china": 0.75}
    assert tiny_doc.text[rec["start"]:rec["end"]] == rec["text"]
    assert schema_errors([rec]) == []


@pytest.mark.parametrize("change, field", [
    ({"positions": [{"position_id": "one_china", "score": 1.0}]}, "positions/0"),
    ({"label": "PROMISE"}, "label"),
    ({"holder": "us"}, "holder"),
    ({"start": -1}, "start"),
    ({"score": 1.5}, "score"),
    ({"position_scores": {"unclos": 0.5}}, "position_scores"),
])
def test_schema_refuses_what_the_contract_forbids(tiny_doc, change, field):
    errors = schema_errors([_record(tiny_doc) | change])
    assert errors and all(e.startswith("row 1: ") for e in errors) and any(field in e for e in errors)


def test_missing_key_and_unknown_schema(tiny_doc):
    rec = _record(tiny_doc)
    del rec["holder"]
    assert any("'holder' is a required property" in e for e in schema_errors([rec]))
    with pytest.raises(InputError, match="no schema 'report'"):
        load_schema("report")


def test_cli_prints_and_validates(tiny_doc, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    printed = CliRunner().invoke(app, ["schema", "claim"])
    assert printed.exit_code == 0 and json.loads(printed.stdout)["title"] == "readout claim line"
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps(_record(tiny_doc)) + "\n")
    bad.write_text(json.dumps(_record(tiny_doc) | {"holder": "us"}) + "\n")
    assert CliRunner().invoke(app, ["schema", "claim", "--validate", str(good)]).exit_code == 0
    r = CliRunner().invoke(app, ["schema", "claim", "--validate", str(bad)])
    assert r.exit_code == 1 and "holder" in r.output
