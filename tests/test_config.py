import re

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


@pytest.mark.parametrize("edit, message", [
    (lambda c: c.update(threshold="0.5"), "`threshold` must be a number, found '0.5'"),
    (lambda c: c.pop("hedges"), "missing key(s) hedges"),
    (lambda c: c.update(thresold=0.5), "unknown key(s) thresold"),
    (lambda c: c["training"].update(epochs=2.5), "`training.epochs` must be int"),
    (lambda c: c["calibration"].pop("slope"), "missing key(s) calibration.slope"),
    (lambda c: c.update(intensifiers=["firmly", 3]), "`intensifiers` must be a list of str"),
])
def test_compare_config_is_checked_at_load(tmp_path, monkeypatch, edit, message):
    import shutil

    import yaml

    from extractor import config
    from extractor.compare import compare_settings

    folder = tmp_path / "configs"
    shutil.copytree(config.PACKAGED_CONFIGS, folder)
    cfg = yaml.safe_load((folder / "compare.yaml").read_text())
    edit(cfg)
    (folder / "compare.yaml").write_text(yaml.safe_dump(cfg))
    try:
        with monkeypatch.context() as m:
            m.setattr(config, "CONFIG_DIR", folder)
            config.load_yaml.cache_clear()
            with pytest.raises(ConfigError, match=re.escape(f"{folder / 'compare.yaml'}: {message}")):
                compare_settings()
    finally:
        config.load_yaml.cache_clear()
    assert compare_settings()["threshold"] == 0.5    # the shipped file passes
