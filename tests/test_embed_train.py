"""The comparator's encoder fine-tuning: pair files, the training loop on a tiny model, and
the fallback to the base encoder before `readout train` has run."""
import json

import pytest

from extractor import compare
from extractor.embed_train import Triple, fit_encoder, load_pairs
from extractor.errors import InputError

TRIPLES = [
    Triple("agreed to keep peace at sea", "urged both sides to keep peace at sea", "agreed to deepen trade with vietnam"),
    Triple("is ready to deepen trade with vietnam", "will deepen trade with vietnam", "is ready to keep peace at sea"),
    Triple("pursues the one-china policy", "consistently pursues the one-china policy", "pledged to expand rail links"),
    Triple("pledged to expand rail links", "is ready to expand rail links", "pursues the one-china policy"),
]


def test_pairs_files_are_read_and_bad_lines_named(tmp_path):
    with pytest.raises(InputError, match="no \\*.jsonl claim pairs"):
        load_pairs(tmp_path)
    good = {"id": "p1", "topic": "t", "a": "x y", "b": "y z", "negative": "n m"}
    (tmp_path / "p.jsonl").write_text(json.dumps(good) + "\n\n" + json.dumps({"id": "p2", "a": "only a"}) + "\n")
    with pytest.raises(InputError, match=r"p\.jsonl:3: expected a JSON object with a, b and negative"):
        load_pairs(tmp_path)
    (tmp_path / "p.jsonl").write_text(json.dumps(good) + "\n")
    assert load_pairs(tmp_path) == [Triple("x y", "y z", "n m")]


def test_training_pulls_partners_together_and_pushes_negatives_apart(tiny_base):
    from sentence_transformers import SentenceTransformer, models

    word = models.Transformer(str(tiny_base))
    model = SentenceTransformer(modules=[word, models.Pooling(word.get_word_embedding_dimension()), models.Normalize()], device="cpu")

    def margins():
        a, b, n = (model.encode([getattr(t, k) for t in TRIPLES]) for k in ("anchor", "positive", "negative"))
        return (a * b).sum(1) - (a * n).sum(1)

    before = margins()
    steps = fit_encoder(model, TRIPLES, epochs=40, batch_size=4, lr=1e-3, seed=3, warmup_ratio=0.1, weight_decay=0.01)
    after = margins()
    assert steps == 40
    assert (after > 0).all() and after.mean() > before.mean() + 0.1, (before, after)


def test_missing_fine_tuned_encoder_falls_back_to_the_base_with_a_warning(monkeypatch, capsys, tmp_path):
    settings = compare.compare_settings() | {"encoder": str(tmp_path / "never-trained")}
    monkeypatch.setattr(compare, "compare_settings", lambda: settings)
    compare.resolve_encoder.cache_clear()
    try:
        path, name = compare.resolve_encoder()
    finally:
        compare.resolve_encoder.cache_clear()
    assert "no fine-tuned comparator encoder (run `readout train`)" in capsys.readouterr().err
    assert name.startswith(settings["base_encoder"] + "@") and (path / "config.json").exists()
