"""The JSON Schemas of what readout writes, shipped in the package (`readout schema NAME`)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from .errors import InputError

SCHEMAS = ("claim",)


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    if name not in SCHEMAS:
        raise InputError(f"no schema {name!r}: readout ships {', '.join(SCHEMAS)}")
    return json.loads(resources.files("extractor").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8"))


def schema_errors(rows, name: str = "claim", limit: int = 20) -> list[str]:
    """One line per row that breaks the schema (row number from 1, the field, the problem);
    beyond the schema, a claim's positions and position_scores must name the same ids."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(load_schema(name))
    out = []
    for n, row in enumerate(rows, 1):
        for e in validator.iter_errors(row):
            where = "/".join(str(p) for p in e.absolute_path) or "(line)"
            out.append(f"row {n}: {where}: {e.message}")
        if name == "claim" and isinstance(row, dict) and isinstance(row.get("position_scores"), dict) \
                and isinstance(row.get("positions"), list) and set(row["position_scores"]) != {p for p in row["positions"] if isinstance(p, str)}:
            out.append(f"row {n}: position_scores: its ids differ from positions")
        if len(out) >= limit:
            break
    return out[:limit]
