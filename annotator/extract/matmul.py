"""Matrix products through numpy's BLAS for the spaCy pipelines annotator loads and trains.

thinc's CPU backend multiplies matrices with its bundled BLIS, whose kernels are chosen by CPU
model; on a CPU it does not recognise (the AMD EPYC of our 2-core machines, for one) it falls back
to generic code, 3 times slower than the OpenBLAS numpy ships, thread for thread (benchmarks/matmul.py).
The recognizer spends most of its time in those products, training and predicting, so every
pipeline annotator loads gets this backend: thinc's own NumpyOps with `gemm` handed to numpy.
The sums are the same up to float32 rounding. BLIS ran on one thread; so does numpy's BLAS here
(threadpoolctl, which scikit-learn brings): OpenBLAS's own threads would take every core and spin,
starving the annotators' apps beside a `learn` server or a test run.

    nlp = use_numpy_matmul(spacy.load(name))
"""

from __future__ import annotations

from typing import Any

import numpy
from thinc.api import NumpyOps


class NumpyMatmulOps(NumpyOps):
    name = "annotator_numpy_matmul"

    def gemm(self, x, y, out=None, trans1: bool = False, trans2: bool = False):  # thinc's signature
        x = x.T if trans1 else x
        y = y.T if trans2 else y
        if out is None:
            return numpy.matmul(x, y)
        numpy.matmul(x, y, out=out)
        return out


def use_numpy_matmul(nlp: Any) -> Any:
    """Give every layer of the pipeline's models the numpy-matmul backend (in place); returns nlp.

    A pipeline whose layers run elsewhere (a GPU) is left as it is."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")  # for the whole process, as BLIS was (see above)
    ops = NumpyMatmulOps()
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops
    return nlp
