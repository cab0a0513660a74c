"""Claims files in the shapes political scientists already analyse: Discourse Network
Analyzer statements and a two-mode actor x position network (GraphML)."""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

from .errors import InputError
from .outputs import atomic

SIDE_NAMES = {"vn": "Vietnam", "cn": "China"}
_OPPOSES = re.compile(r"\b(?:oppose[sd]?|opposing|reject(?:s|ed)?|against|condemn(?:s|ed)?)\b", re.I)
DNA_COLUMNS = ["statement_id", "document", "date", "outlet_side", "start", "stop", "person", "organization",
               "concept", "agreement", "label", "joint", "text"]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# claim fields that hold a list or a map: JSON text in a CSV cell (and `position_scores` in Parquet)
FLAT_JSON_FIELDS = {"positions": [], "position_scores": {}}


def csv_cell(value):
    """A text cell a spreadsheet would run as a formula (`=HYPERLINK(...)` in an outlet or an
    id) gets a leading apostrophe, which spreadsheets show as text (OWASP's advice);
    `from_csv_cell` takes it off again when readout reads its own CSV."""
    if isinstance(value, str) and value.startswith((*_FORMULA_START, "'")):
        return "'" + value      # an apostrophe of the text itself is doubled, so it reads back
    return value


def from_csv_cell(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith((*_FORMULA_START, "'")):
        return value[1:]
    return value


def read_claims(path: Path, fmt: str | None = None) -> list[dict]:
    """Claims from a readout output file: JSONL, CSV or Parquet, by `fmt` (as its sidecar
    records it) or else by the file's extension."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    fmt = fmt or {".parquet": "parquet", ".csv": "csv"}.get(path.suffix, "jsonl")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return [_flat_fields(r) for r in pq.read_table(path).to_pylist()]
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as fh:
            rows = []
            for n, r in enumerate(csv.DictReader(fh), 2):
                try:
                    rows.append(_flat_fields(_typed_csv_row(r)))
                except (ValueError, TypeError) as e:
                    raise InputError(f"{path}:{n}: not a claims row ({e})") from None
            return rows
    from .jsonl import read_jsonl

    return [row for _, row in read_jsonl(path)]


def _typed_csv_row(row: dict) -> dict:
    """A CSV cell is text: give each field the type the claim schema says (an empty cell of a
    nullable field is null), so a CSV reads back as the JSON lines hold it."""
    from .schema import load_schema

    props = load_schema("claim")["properties"]
    out = {}
    for key, value in row.items():
        value = from_csv_cell(value)
        kinds = props.get(key, {}).get("type", "string")
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if value == "" and "null" in kinds:
            out[key] = None
        elif "boolean" in kinds:
            flag = {"true": True, "false": False}.get(value.strip().lower())
            if flag is None:
                raise ValueError(f"`{key}` must be true or false, found {value!r}")
            out[key] = flag
        elif "integer" in kinds:
            out[key] = int(value)
        elif "number" in kinds:
            out[key] = float(value)
        else:
            out[key] = value
    return out


def _flat_fields(row: dict) -> dict:
    """CSV holds `positions` and `position_scores` as JSON text, Parquet `position_scores`
    (a map whose keys vary by claim); both are read back as the JSON lines hold them."""
    out = dict(row)
    for key, empty in FLAT_JSON_FIELDS.items():
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key] or json.dumps(empty))
    return out


NO_POSITION = "no_position"      # DNA concept of a claim that links no canonical position


def states(claim: dict) -> list[str | None]:
    """The states that hold a claim: both for a joint one (DNA and network actors are states)."""
    return ["vn", "cn"] if claim.get("holder") == "both" else [claim.get("holder")]


def dna_person(claim: dict) -> str:
    """DNA's person is a person: a named official, not a side ("the two sides", "the
    Chinese side") or an outlet speaking in its own voice."""
    from .holders import GENERIC_NAMES

    speaker = claim.get("speaker") or ""
    if speaker in GENERIC_NAMES.values() or speaker == claim.get("outlet") or speaker[:4].lower() == "the ":
        return ""
    return speaker


def dna_statements(claims: list[dict]) -> list[dict]:
    """DNA statements (its default statement type: person, organization, concept,
    agreement), following DNA practice. The organization is a state: a joint claim (holder
    `both`) becomes one statement per side, so DNA sees two actors who agree rather than a
    third actor "Vietnam and China". The concept is a canonical position id, one
    statement per linked id; a claim that links none gets the concept `no_position` (its
    label stays in its own column). Agreement: a claim endorses the positions it links
    (opposing "Taiwan independence" endorses one_china); a `no_position` row disagrees
    when the claim rejects or opposes."""
    rows = []
    for c in claims:
        concepts = list(c.get("positions") or []) or [NO_POSITION]
        for concept in concepts:
            agree = True if concept != NO_POSITION else not _OPPOSES.search(c["text"])
            for holder in states(c):
                rows.append({"statement_id": len(rows) + 1, "document": c["doc_id"], "date": c.get("date"),
                             "outlet_side": c.get("side"), "start": c["start"], "stop": c["end"],
                             "person": dna_person(c), "organization": SIDE_NAMES.get(holder, holder or ""),
                             "concept": concept, "agreement": agree, "label": c["label"], "joint": c.get("holder") == "both",
                             "text": c["text"]})
    return rows


def write_dna(claims: list[dict], out: Path) -> int:
    rows = dna_statements(claims)
    with atomic(out) as tmp:
        _write_csv(tmp, DNA_COLUMNS, rows)
    return len(rows)


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Rows as CSV with a header, every cell neutralised for spreadsheets (`csv_cell`)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows)


def actor_position_graph(claims: list[dict]):
    """Two-mode graph: actor nodes (the named person, else the holder's state; a joint claim
    counts for both states) and position nodes; an edge's weight counts the claims linking
    them, split by the outlet's side."""
    import networkx as nx

    from .positions import catalogue

    g = nx.Graph()
    weights: Counter = Counter()
    for c in claims:
        # as in the DNA statements: a named person, else the state; a joint claim counts for both states
        person = dna_person(c)
        for holder in states(c):
            actor = person or SIDE_NAMES.get(holder, "unknown")
            for pid in c.get("positions") or []:
                weights[(actor, holder, pid, c.get("side") or "unknown")] += 1
    for (actor, holder, pid, outlet_side), n in weights.items():
        # `type` (igraph's bipartite flag) and `bipartite` (networkx's) mark the two modes
        g.add_node(f"actor:{actor}", label=actor, mode="actor", side=holder or "", type=False, bipartite=0)
        g.add_node(f"position:{pid}", label=catalogue().get(pid, {}).get("name", pid), mode="position",
                   type=True, bipartite=1)
        edge = g.get_edge_data(f"actor:{actor}", f"position:{pid}") or {"weight": 0, "weight_vn_outlets": 0, "weight_cn_outlets": 0}
        edge["weight"] += n
        key = f"weight_{outlet_side}_outlets"
        if key in edge:
            edge[key] += n
        g.add_edge(f"actor:{actor}", f"position:{pid}", **edge)
    return g


def write_network(claims: list[dict], out: Path) -> tuple[int, int]:
    import networkx as nx

    g = actor_position_graph(claims)
    # named key ids (key "label", not "d3"): Gephi reads a key whose id is d3 as the node label
    with atomic(out) as tmp:
        nx.write_graphml(g, tmp, named_key_ids=True)
    return g.number_of_nodes(), g.number_of_edges()


def write_table(claims: list[dict], out: Path, name: str = "positions") -> int:
    """A tidy table of counts behind the corpus view (`corpus_view.TABLES`), as CSV or
    Parquet by the file's extension: one row per combination, a `claims` count column."""
    from .corpus_view import TABLES

    if name not in TABLES:
        raise InputError(f"--table {name!r}: expected one of {', '.join(TABLES)}")
    if out.suffix not in (".csv", ".parquet"):
        raise InputError(f"--out {out}: expected a .csv or .parquet file")
    count, columns = TABLES[name]
    rows = count(claims)
    with atomic(out) as tmp:
        if out.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            types = {c: pa.int64() if c == "claims" else pa.string() for c in columns}
            pq.write_table(pa.table({c: pa.array([r[c] for r in rows], types[c]) for c in columns}), tmp)
        else:
            _write_csv(tmp, columns, rows)
    return len(rows)

