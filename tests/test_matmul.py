"""The numpy-matmul backend (extract/matmul.py): the same products as thinc's, every layer switched."""

from __future__ import annotations

import numpy
import pytest
from thinc.api import NumpyOps

from annotator.extract.matmul import NumpyMatmulOps, use_numpy_matmul


@pytest.mark.parametrize("trans1,trans2", [(False, False), (True, False), (False, True), (True, True)])
def test_gemm_matches_thincs_own(trans1, trans2):
    rng = numpy.random.default_rng(0)
    x = rng.random((7, 5) if not trans1 else (5, 7), dtype="float32")
    y = rng.random((5, 3) if not trans2 else (3, 5), dtype="float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = NumpyMatmulOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.dtype == numpy.float32 and got.shape == (7, 3)
    numpy.testing.assert_allclose(got, expected, rtol=1e-5)
    out = numpy.zeros((7, 3), dtype="float32")
    assert NumpyMatmulOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    numpy.testing.assert_allclose(out, expected, rtol=1e-5)


def test_every_layer_of_a_loaded_pipeline_is_switched_and_predicts_the_same(extractor):
    from annotator.extract import load_pipeline

    nlp = load_pipeline(extractor.model_name)  # the name may stand for a republished or renamed package
    text = "Staffan de Mistura met rebels of Tahrir al-Sham in Douma on Tuesday, Reuters said."
    before = [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]
    use_numpy_matmul(nlp)
    nodes = [node for _, pipe in nlp.pipeline if getattr(pipe, "model", None) is not None for node in pipe.model.walk()]
    assert nodes and all(isinstance(node.ops, NumpyMatmulOps) for node in nodes)
    assert [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents] == before
