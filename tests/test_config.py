import pytest

from extractor.config import load_tagger_config
from extractor.errors import ConfigError


def test_default_config_loads_with_typed_values():
    cfg = load_tagger_config()
    assert isinstance(cfg.lr, float) and isinstance(cfg.epochs, int) and cfg.labels == "claims-v1"


def test_overrides_and_unknown_keys(tmp_path):
    cfg = load_tagger_config(None, ["tagger.lr=2.0e-5", "epochs=3"])
    assert cfg.lr == 2.0e-5 and cfg.epochs == 3
    with pytest.raises(ConfigError, match="unknown key.*warmup_ration"):
        load_tagger_config(None, ["warmup_ration=0.1"])
    with pytest.raises(ConfigError, match="`epochs` must be int"):
        load_tagger_config(None, ["epochs=many"])
    bad = tmp_path / "c.yaml"
    bad.write_text("lr: [1\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_tagger_config(bad)


def test_config_hash_changes_with_values():
    assert load_tagger_config().hash() != load_tagger_config(None, ["seed=99"]).hash()
