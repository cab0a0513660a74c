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


def _edited_configs(tmp_path, name, edit):
    import shutil

    import yaml

    from extractor import config

    folder = tmp_path / "configs"
    shutil.copytree(config.PACKAGED_CONFIGS, folder)
    data = yaml.safe_load((folder / name).read_text())
    edit(data)
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return folder


def test_a_config_of_ones_own_changes_only_its_keys(tmp_path):
    """The packaged tagger.yaml is the one source of defaults: a file holding only `lr`
    trains with the shipped file's other values, not with defaults of its own."""
    import yaml

    from extractor import config

    shipped = yaml.safe_load((config.PACKAGED_CONFIGS / "tagger.yaml").read_text())
    mine = tmp_path / "mine.yaml"
    mine.write_text("lr: 5.0e-5\n")
    cfg = load_tagger_config(mine)
    assert cfg.lr == 5.0e-5
    assert {k: v for k, v in cfg.to_dict().items() if k != "lr"} == {k: v for k, v in shipped.items() if k != "lr"}


@pytest.mark.parametrize("edit, message", [
    (lambda c: c.pop("epochs"), "missing key(s) epochs"),
    (lambda c: c["decoding"].update(min_words="two"), "`decoding.min_words` must be int"),
    (lambda c: c["decoding"].pop("split_prob"), "missing key(s) decoding.split_prob"),
])
def test_the_packaged_tagger_config_must_hold_every_key(tmp_path, monkeypatch, edit, message):
    from extractor import config

    folder = _edited_configs(tmp_path, "tagger.yaml", edit)
    monkeypatch.setattr(config, "CONFIG_DIR", folder)
    with pytest.raises(ConfigError, match=re.escape(f"{folder / 'tagger.yaml'}: {message}")):
        load_tagger_config()


@pytest.mark.parametrize("name, edit, message", [
    ("actors.yaml", lambda c: c["people"][3].pop("aliases"), "missing key(s) people[3].aliases"),
    ("actors.yaml", lambda c: c["people"][0].update(side=["cn"]), "`people[0].side` must be str"),
    ("actors.yaml", lambda c: c["generic"].pop("both"), "missing key(s) generic.both"),
    ("labels.yaml", lambda c: c.update(labels="COMMITMENT"), "`labels` must be a list of str"),
])
def test_catalogues_are_checked_at_load(tmp_path, monkeypatch, name, edit, message):
    from extractor import config

    folder = _edited_configs(tmp_path, name, edit)
    try:
        with monkeypatch.context() as m:
            m.setattr(config, "CONFIG_DIR", folder)
            config.load_yaml.cache_clear()
            with pytest.raises(ConfigError, match=re.escape(f"{folder / name}: {message}")):
                config.load_yaml(name)
    finally:
        config.load_yaml.cache_clear()


def test_event_codes_must_cover_every_label(tmp_path, monkeypatch):
    from extractor import config, labels

    folder = _edited_configs(tmp_path, "labels.yaml", lambda c: c["event_codes"].pop("CALL"))
    try:
        with monkeypatch.context() as m:
            m.setattr(config, "CONFIG_DIR", folder)
            config.load_yaml.cache_clear()
            m.setattr(labels, "EVENT_CODES", config.load_yaml("labels.yaml")["event_codes"])
            with pytest.raises(ConfigError, match=re.escape("missing key(s) event_codes.CALL")):
                labels._check_event_codes()
    finally:
        config.load_yaml.cache_clear()


def test_a_model_decodes_with_the_rules_saved_beside_it(trained_tiny):
    import json

    from extractor.decode import DecodeRules
    from extractor.tagger import ClaimTagger

    saved = json.loads((trained_tiny / "training_config.json").read_text())
    assert saved["decoding"] == load_tagger_config().decoding
    saved["decoding"]["min_words"] = 40
    (trained_tiny / "training_config.json").write_text(json.dumps(saved))
    tagger = ClaimTagger.load(trained_tiny)
    assert tagger.rules == DecodeRules(merge_gap=12, min_words=40, split_prob=0.8)
    assert tagger.quantized().rules == tagger.rules
