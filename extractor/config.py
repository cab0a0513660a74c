"""Typed schemas for configs/*.yaml: unknown or missing keys fail loudly, at load time."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
# The defaults ship inside the package (extractor/configs, in the checkout a link to the
# project's configs/), so a wheel install reads them too; READOUT_CONFIGS points at a folder
# of one's own (every file the package ships must be there).
PACKAGED_CONFIGS = Path(__file__).resolve().parent / "configs"
CONFIG_DIR = Path(os.environ.get("READOUT_CONFIGS") or PACKAGED_CONFIGS)


def repo_path(p: str | Path) -> Path:
    p = Path(p)
    return p if p.is_absolute() else ROOT / p


@dataclass(frozen=True)
class TaggerConfig:
    """The tagger's training and decoding settings. No defaults here: the packaged
    configs/tagger.yaml is their one source (a config file of one's own changes only the keys
    it holds), and every key is required there."""
    base_model: str
    labels: str
    max_length: int
    stride: int
    lr: float
    epochs: int
    batch_size: int
    warmup_ratio: float
    weight_decay: float
    seed: int
    gold_dir: str
    corpus_dir: list[str]
    authored: list[str]
    output_dir: str
    extra: list[str]
    freeze_embeddings: bool
    max_steps: int               # > 0 stops early (tests use a few steps)
    real_repeat: int             # each real (gold) article is seen this many times per epoch
    decoding: dict[str, Any]     # DECODING_SCHEMA: token scores -> claim spans (decode.py)

    def resolve(self, key: str) -> Path | list[Path]:
        """A path-valued key (or a list of paths), relative to the repository root unless absolute."""
        value = getattr(self, key)
        return [repo_path(v) for v in value] if isinstance(value, list) else repo_path(value)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]


def _coerce(name: str, value: Any, typ: type, path: Path | str):
    if str(typ) == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: `{name}` must be true or false, found {value!r}")
        return value
    target = {"int": int, "float": float, "str": str}.get(str(typ).replace("<class '", "").replace("'>", ""), None)
    if str(typ).startswith("list"):
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        if not isinstance(value, list):
            raise ConfigError(f"{path}: `{name}` must be a list, found {value!r}")
        return [str(v) for v in value]
    if target is None:
        return value
    try:
        if target is int and isinstance(value, float):
            raise ValueError
        return target(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{path}: `{name}` must be {target.__name__}, found {value!r}") from None


DECODING_SCHEMA = {"merge_gap": int, "min_words": int, "split_prob": float}


def _read_yaml_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML ({e})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values, found {type(data).__name__}")
    return data


def load_tagger_config(path: str | Path | None = None, overrides: list[str] | None = None) -> TaggerConfig:
    """The packaged configs/tagger.yaml, then the keys of `path` (a config of one's own), then
    `overrides` (`key=value` strings, the CLI's --set). Unknown keys, ill-typed values and a
    key missing from the packaged file are one-line errors naming the file and the key."""
    shipped = CONFIG_DIR / "tagger.yaml"
    data = _read_yaml_mapping(shipped)
    missing = sorted({f.name for f in fields(TaggerConfig)} - set(data))
    if missing:
        raise ConfigError(f"{shipped}: missing key(s) {', '.join(missing)}")
    path = Path(path) if path else shipped
    if path != shipped:
        data |= _read_yaml_mapping(path)
    for item in overrides or []:
        key, sep, value = item.partition("=")
        key = key.removeprefix("tagger.")
        if not sep:
            raise ConfigError(f"--set {item!r}: expected key=value")
        data[key] = yaml.safe_load(value)
    known = {f.name: f for f in fields(TaggerConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(known)}")
    values = {k: _coerce(k, v, known[k].type, path) for k, v in data.items()}
    check_schema(values["decoding"], DECODING_SCHEMA, str(path), "decoding")
    return TaggerConfig(**values)


def check_schema(data, schema, where: str, key: str = "") -> None:
    """One-line ConfigError naming the file and the key, for a missing, unknown or ill-typed key."""
    name = key or "(top level)"
    if isinstance(schema, dict):
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: `{name}` must be a mapping, found {data!r}")
        missing, unknown = sorted(set(schema) - set(data)), sorted(set(data) - set(schema))
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(f'{key}.{k}'.lstrip('.') for k in unknown)}; "
                              f"known: {', '.join(schema)}")
        if missing:
            raise ConfigError(f"{where}: missing key(s) {', '.join(f'{key}.{k}'.lstrip('.') for k in missing)}")
        for k, sub in schema.items():
            check_schema(data[k], sub, where, f"{key}.{k}".lstrip("."))
        return
    if isinstance(schema, list):
        if isinstance(schema[0], dict):          # a list of mappings, each checked, named by its index
            if not isinstance(data, list):
                raise ConfigError(f"{where}: `{name}` must be a list, found {data!r}")
            for i, item in enumerate(data):
                check_schema(item, schema[0], where, f"{name}[{i}]")
            return
        if not isinstance(data, list) or not all(isinstance(x, schema[0]) for x in data):
            raise ConfigError(f"{where}: `{name}` must be a list of {schema[0].__name__}, found {data!r}")
        return
    if schema is None:          # any value: checked where it is read
        return
    kinds = schema if isinstance(schema, tuple) else (schema,)
    ok = any((k is None and data is None) or (k is float and isinstance(data, (int, float)) and not isinstance(data, bool))
             or (k not in (None, float) and isinstance(data, k) and not isinstance(data, bool)) for k in kinds)
    if not ok:
        names = " or ".join("null" if k is None else "a number" if k is float else k.__name__ for k in kinds)
        raise ConfigError(f"{where}: `{name}` must be {names}, found {data!r}")


# The catalogues' shapes (positions.yaml is checked in positions.py, compare.yaml in compare.py).
CATALOGUE_SCHEMAS: dict[str, dict] = {
    "labels.yaml": {"version": str, "labels": [str], "holders": [str],
                    "event_codes": None},          # keyed by label: checked in labels.py
    "actors.yaml": {"version": str, "people": [{"name": str, "side": str, "aliases": [str]}],
                    "generic": {"cn": [str], "vn": [str], "both": [str]}, "joint": [str],
                    "name_patterns": {"vn": [str], "cn": [str]}, "pronouns": [str]},
}


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict[str, Any]:
    """A catalogue from the configs folder (labels, positions, actors), checked against its
    schema when it has one here."""
    path = CONFIG_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: missing; readout reads its catalogues from {CONFIG_DIR}") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML ({e})") from None
    if name in CATALOGUE_SCHEMAS:
        check_schema(data, CATALOGUE_SCHEMAS[name], str(path))
    return data
