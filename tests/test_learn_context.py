"""learn/context.py: a small transformer run in numpy, read by the label second opinion."""

from __future__ import annotations

import numpy as np
import pytest

spacy = pytest.importorskip("spacy")

from annotator.errors import UserError  # noqa: E402
from annotator.learn import context  # noqa: E402
from annotator.learn.context import ContextEncoder, EncoderMissing, _basic_words  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "bank", "river", "rate", "##s", "un", "##aff", "##able", "-", ".", "'"]


def _tiny(layers: int = 2, width: int = 8, heads: int = 2) -> ContextEncoder:
    """A random BERT of the real one's shape, small enough to check windows and round trips."""
    rng = np.random.default_rng(0)
    w = {"embeddings.word_embeddings.weight": rng.normal(size=(len(VOCAB), width)),
         "embeddings.position_embeddings.weight": rng.normal(size=(512, width)),
         "embeddings.token_type_embeddings.weight": rng.normal(size=(2, width)),
         "embeddings.LayerNorm.weight": np.ones(width), "embeddings.LayerNorm.bias": np.zeros(width)}
    for layer in range(layers):
        p = f"encoder.layer.{layer}."
        for name, shape in (("attention.self.query", (width, width)), ("attention.self.key", (width, width)),
                            ("attention.self.value", (width, width)), ("attention.output.dense", (width, width)),
                            ("intermediate.dense", (4 * width, width)), ("output.dense", (width, 4 * width))):
            w[p + name + ".weight"] = rng.normal(size=shape) / np.sqrt(shape[1])
            w[p + name + ".bias"] = np.zeros(shape[0])
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"], w[p + norm + ".bias"] = np.ones(width), np.zeros(width)
    return ContextEncoder(VOCAB, w, heads=heads)


def test_words_are_split_as_bert_uncased_splits_them():
    assert _basic_words("Café-owner's") == ["cafe", "-", "owner", "'", "s"]
    assert _basic_words("ÉCOLE\u200b") == ["ecole"]  # accents stripped, a zero-width space dropped
    assert _basic_words("北京") == ["北", "京"]


def test_word_pieces_take_the_longest_known_piece_first_and_unknown_words_whole():
    encoder = _tiny()
    pieces = lambda text: [encoder.pieces[i] for i in encoder.word_pieces(text)]  # noqa: E731
    assert pieces("Unaffable") == ["un", "##aff", "##able"]
    assert pieces("rates.") == ["rate", "##s", "."]
    assert pieces("Zanzibar") == ["[UNK]"]
    assert pieces("\n") == []


def test_every_token_gets_a_row_also_past_one_window_and_spaces_get_zeros():
    encoder = _tiny()
    nlp = spacy.blank("en")
    doc = nlp.make_doc("the bank rates . \n " + "the river bank . " * 120)  # 480 pieces: three windows
    vectors = encoder.token_vectors(doc)
    assert vectors.shape == (len(doc), encoder.width)
    assert encoder.forward(np.arange(10)).dtype == np.float32  # float64 anywhere inside costs five times the time
    space = next(t.i for t in doc if t.is_space)
    assert not vectors[space].any()
    assert all(vectors[t.i].any() for t in doc if not t.is_space)
    # The same word reads differently in another place: the rows are contextual.
    banks = [t.i for t in doc if t.text == "bank"]
    assert not np.allclose(vectors[banks[0]], vectors[banks[1]])


def test_bytes_and_disk_round_trips_give_the_same_vectors(tmp_path):
    encoder = _tiny()
    doc = spacy.blank("en").make_doc("the unaffable bank .")
    expected = encoder.token_vectors(doc)
    assert np.array_equal(ContextEncoder.from_bytes(encoder.to_bytes()).token_vectors(doc), expected)
    encoder.to_disk(tmp_path)
    assert np.array_equal(ContextEncoder.from_disk(tmp_path).token_vectors(doc), expected)


def test_a_folder_without_the_encoder_file_is_a_user_error(tmp_path):
    with pytest.raises(EncoderMissing) as error:
        ContextEncoder.from_disk(tmp_path)
    assert isinstance(error.value, UserError)
    assert "encoder.npz" in str(error.value) and "\n" not in str(error.value)


real = pytest.mark.skipif(context.package_zip() is None, reason=f"{context.PIP_NAME} is not installed")


@real
def test_the_packaged_model_reads_words_by_their_sentence():
    """The numpy forward is BERT's: the published model's own sense of 'bank' comes out of it."""
    encoder = ContextEncoder.from_package()
    assert encoder.layers == context.LAYERS and encoder.width == 384
    nlp = spacy.blank("en")

    def bank(text):
        doc = nlp.make_doc(text)
        return encoder.token_vectors(doc)[next(t.i for t in doc if t.text == "bank")]

    def cos(a, b):
        return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    money, loans, river = (bank("The bank raised its interest rates on Monday ."),
                           bank("She asked the bank for a loan to buy a house ."),
                           bank("They fished from the grassy bank of the river ."))
    assert cos(money, loans) > cos(money, river) + 0.05
    assert cos(loans, money) > cos(loans, river) + 0.05


def _fit_with(encoder):
    from annotator.learn.relabel import fit_relabeler

    nlp = spacy.blank("en")
    template = "Officials said {} would decide on Monday ."
    found = []
    for names, label in ((["Toyota", "Siemens", "Nestle", "Boeing", "Pfizer", "Unilever", "Microsoft", "Nokia"], "ORG"),
                         (["Clinton", "Yeltsin", "Mandela", "Kohl", "Chirac", "Major", "Arafat", "Netanyahu"], "PER")):
        for name in names:
            doc = nlp.make_doc(template.format(name))
            start = doc.text.index(name)
            found.append((doc, [(start, start + len(name), label)]))
    relabeler = fit_relabeler(found, encoder=encoder)

    def right(name, label):
        doc = nlp.make_doc(template.format(name))
        start = doc.text.index(name)
        wrong = "PER" if label == "ORG" else "ORG"
        return relabeler.labels(doc, [doc.char_span(start, start + len(name), label=wrong)], keep=0.3) == [label]

    unseen = [("Renault", "ORG"), ("Sony", "ORG"), ("Philips", "ORG"), ("Fiat", "ORG"),
              ("Kinkel", "PER"), ("Primakov", "PER"), ("Blair", "PER"), ("Dole", "PER")]
    return relabeler, sum(right(name, label) for name, label in unseen)


@real
def test_the_second_opinion_tells_unseen_companies_from_people_by_what_the_encoder_knows():
    # Every sentence is the same but for the name: only what the model knows of the name can tell.
    _, without = _fit_with(None)
    relabeler, with_encoder = _fit_with(ContextEncoder.from_package())
    assert relabeler.uses_encoder
    assert without == 0 and with_encoder >= 4


def test_a_pipeline_carries_its_encoder_and_says_so_in_one_line_when_it_is_lost(tmp_path):
    from annotator.extract import load_pipeline
    from annotator.learn.relabel import NAME, fit_relabeler

    nlp = spacy.blank("en")
    docs = [(nlp.make_doc(f"the bank {word} ."), [(0, 3, label)])
            for word, label in (("river", "LOC"), ("rates", "ORG"), ("unaffable", "LOC"), ("-", "ORG"))]
    relabeler = fit_relabeler(docs, encoder=_tiny())
    relabeler.keep = 0.5
    nlp.add_pipe(NAME).relabeler = relabeler
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model").get_pipe(NAME).relabeler
    assert loaded.uses_encoder and loaded.vector_weights == relabeler.vector_weights
    doc = nlp.make_doc("the bank river .")
    assert np.array_equal(loaded.encoder.token_vectors(doc), relabeler.encoder.token_vectors(doc))
    from_bytes = type(nlp.get_pipe(NAME))().from_bytes(nlp.get_pipe(NAME).to_bytes()).relabeler
    assert np.array_equal(from_bytes.encoder.token_vectors(doc), relabeler.encoder.token_vectors(doc))
    (tmp_path / "model" / NAME / "encoder.npz").unlink()
    with pytest.raises(UserError) as error:
        load_pipeline(str(tmp_path / "model"))
    assert "encoder.npz" in str(error.value) and "\n" not in str(error.value)
