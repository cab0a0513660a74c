from extractor import scoring
from extractor.pipeline import annotate
from extractor.standoff import load_gold
from extractor.tagger import ClaimTagger
from tests.conftest import CORPUS, STANDOFF


def test_tagger_overfits_and_roundtrips(_trained_tiny, tmp_path):
    """Train tiny on the two fixture articles, predict, save, reload: same spans, F1 = 1.0."""
    gold = load_gold(STANDOFF, CORPUS)
    bare = [d.with_(claims=()) for d in gold]
    tagger = ClaimTagger.load(_trained_tiny)
    first = annotate(bare, tagger)
    pairs = [(g.claims, p.claims) for g, p in zip(gold, first)]
    assert scoring.score(pairs, "strict", holder=False).overall.f1 == 1.0
    # save again under a new name, reload, and predict the same spans
    tagger.model.save_pretrained(tmp_path / "again")
    tagger.tokenizer.save_pretrained(tmp_path / "again")
    (tmp_path / "again" / "training_config.json").write_text((_trained_tiny / "training_config.json").read_text())
    second = annotate(bare, ClaimTagger.load(tmp_path / "again"))
    assert [[(c.start, c.end, c.label) for c in d.claims] for d in first] == \
           [[(c.start, c.end, c.label) for c in d.claims] for d in second]


def test_model_folder_describes_itself(_trained_tiny):
    names = {p.name for p in _trained_tiny.iterdir()}
    assert {"config.json", "model.safetensors", "training_config.yaml", "data.json", "README.md"} <= names
    assert not any(n.endswith((".bin", ".pt", ".pth")) for n in names)
    import json
    cfg = json.loads((_trained_tiny / "config.json").read_text())
    assert cfg["id2label"]["0"] == "O" and "B-COMMITMENT" in cfg["label2id"]
    data = json.loads((_trained_tiny / "data.json").read_text())
    assert data["gold"]["documents"] == 2 and data["gold"]["claims"] == 8


def test_long_document_is_windowed_not_truncated(_trained_tiny):
    """A text far longer than max_length (64 tokens) gets claims near its end too."""
    gold = load_gold(STANDOFF, CORPUS)
    text = "\n\n".join(d.text for d in gold for _ in range(4))
    from extractor.types import Document
    (doc,) = annotate([Document("long", text, {"side": "vn"})], ClaimTagger.load(_trained_tiny))
    assert doc.claims and max(c.end for c in doc.claims) > len(text) * 0.9
    # offsets index the text as given: non-empty, trimmed, inside it, in order, never overlapping
    spans = sorted((c.start, c.end) for c in doc.claims)
    for (s, e), (s2, _) in zip(spans, spans[1:] + [(len(text), None)]):
        piece = text[s:e]
        assert 0 <= s < e <= s2 <= len(text) and piece.strip() == piece


def test_training_is_deterministic_for_a_seed(tiny_base, tmp_path):
    from safetensors.numpy import load_file

    from extractor.train import train
    from tests.conftest import tiny_config

    a = train(tiny_config(tiny_base, tmp_path / "a", epochs=3))
    b = train(tiny_config(tiny_base, tmp_path / "b", epochs=3))
    c = train(tiny_config(tiny_base, tmp_path / "c", epochs=3, seed=8))
    wa, wb, wc = (load_file(p / "model.safetensors") for p in (a, b, c))
    assert all((wa[k] == wb[k]).all() for k in wa)
    assert any((wa[k] != wc[k]).any() for k in wa)


def test_a_documents_claims_do_not_depend_on_what_shares_its_batch(trained_tiny):
    """int8 scales activations over a whole batch: a document batched with others must still
    get exactly the claims (and scores) it gets alone, so reruns and corpora of any size agree."""
    from extractor.tagger import ClaimTagger
    from extractor.types import Document
    from tests.conftest import CORPUS

    tagger = ClaimTagger.load(trained_tiny, quantize=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    docs = [Document(f"d{i}", t, {"side": "cn"}) for i, t in enumerate(texts)]
    docs.append(Document("long", " ".join(texts) * 3, {"side": "vn"}))
    alone = [annotate([d], tagger)[0].claims for d in docs]
    together = [d.claims for d in annotate(docs, tagger)]
    assert together == alone and any(alone)
