"""Exception classes and their message text, in one place.

Every message says what was found, what was expected and how to check.
"""


class ReadoutError(Exception):
    """Base class: the CLI prints these as one line, without a traceback."""


class InputError(ReadoutError):
    """An input file or corpus cannot be read."""


class AnnotationError(ReadoutError):
    """A standoff annotation does not match its document or the label registry."""


class ConfigError(ReadoutError):
    """A YAML config has an unknown, missing or ill-typed key."""


class ModelMissingError(ReadoutError):
    """No trained tagger where one was expected."""


class ModelError(ReadoutError):
    """A model folder that is there but cannot be trusted (label map, weights format)."""


def span_mismatch(doc_id: str, start: int, end: int, expected: str, found: str) -> str:
    return (
        f"{doc_id}: claim {start}-{end} has checksum {expected} but the text there "
        f"hashes to {found}; the document or the offsets changed (check the document's sha256)"
    )


def model_missing(path) -> str:
    return (
        f"no trained tagger at {path} (expected config.json and model.safetensors); "
        "train one with `readout train` or pass --model DIR"
    )
