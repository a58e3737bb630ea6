"""The numpy character n-gram TF-IDF gives scikit-learn's char_wb vectors, on hand-made and real titles."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from sourcefinder.match.ngrams import CharNgramTfidf, ngram_keys
from sourcefinder.match.title_text import normalize

REAL = Path(__file__).parent / "fixtures" / "titles" / "ember_val_titles.csv"


@pytest.fixture(scope="module")
def real_titles() -> list[str]:
    with open(REAL, encoding="utf-8") as handle:
        return [normalize(row["title"]) for row in csv.DictReader(handle)]


def _sklearn(ngram_range: tuple[int, int], max_df: int):
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    return sklearn_text.TfidfVectorizer(
        analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, max_df=max_df, dtype=np.float32
    )


def _keys_as_strings(texts: list[str], ngram_range: tuple[int, int]) -> list[list[str]]:
    """Our n-grams decoded back to strings, per document, sorted."""
    docs, keys = ngram_keys(texts, ngram_range)
    out: list[list[str]] = [[] for _ in texts]
    for doc, key in zip(docs.tolist(), keys.tolist(), strict=True):
        chars = []
        while key:
            chars.append(chr((key & (2**21 - 1)) - 1))
            key >>= 21
        out[doc].append("".join(reversed(chars)))
    return [sorted(grams) for grams in out]


def test_ngrams_never_cross_a_word_and_pad_each_word() -> None:
    assert _keys_as_strings(["ab c"], (1, 3))[0] == sorted(
        [" ", "a", "b", " ", " ", "c", " ", " a", "ab", "b ", " c", "c ", " ab", "ab ", " c "]
    )


def test_empty_and_blank_texts_have_no_ngrams() -> None:
    assert _keys_as_strings(["", "   ", "x"], (1, 2)) == [[], [], sorted([" ", "x", " ", " x", "x "])]


@pytest.mark.parametrize("ngram_range", [(1, 3), (2, 3), (1, 1)])
def test_same_ngrams_as_sklearn_on_real_titles(real_titles: list[str], ngram_range) -> None:
    analyzer = _sklearn(ngram_range, 1).build_analyzer()
    assert _keys_as_strings(real_titles, ngram_range) == [sorted(analyzer(t)) for t in real_titles]


@pytest.mark.parametrize("max_df", [5, 30, 10_000])
def test_same_vectors_as_sklearn_on_real_titles(real_titles: list[str], max_df: int) -> None:
    fitted, queries = real_titles[:250], real_titles[250:] + ["全新 未见过的字"]
    ours, theirs = CharNgramTfidf((1, 3), max_df), _sklearn((1, 3), max_df)
    a, b = ours.fit_transform(fitted), theirs.fit_transform(fitted)
    assert a.shape == b.shape and a.nnz == b.nnz
    # Columns come in another order: compare what the vectors are used for, the cosine of every pair.
    assert np.abs((a @ a.T - b @ b.T).toarray()).max() < 1e-5
    qa, qb = ours.transform(queries), theirs.transform(queries)
    assert np.abs((qa @ a.T - qb @ b.T).toarray()).max() < 1e-5
    assert np.allclose(np.sort(ours.idf), np.sort(theirs.idf_))


def test_rows_have_unit_length_and_unknown_text_gives_a_zero_row() -> None:
    model = CharNgramTfidf((2, 3))
    rows = model.fit_transform(["保温杯 500ml", "汤锅 18cm"])
    assert np.allclose(np.sqrt(rows.multiply(rows).sum(axis=1)).A1, 1.0)
    unknown = model.transform(["ξψω", ""])
    assert unknown.shape == (2, rows.shape[1]) and unknown.nnz == 0


def test_transform_before_fit_is_an_error() -> None:
    with pytest.raises(ValueError, match="fit_transform first"):
        CharNgramTfidf().transform(["x"])


def test_ngram_range_beyond_three_is_refused() -> None:
    with pytest.raises(ValueError, match="ngram_range"):
        ngram_keys(["abcd"], (1, 4))


def test_blocks_give_the_same_vectors_as_one_pass(real_titles: list[str], monkeypatch) -> None:
    """Large corpora are cut into n-grams block by block (bounded memory); the result must not change."""
    from sourcefinder.match import ngrams

    whole = CharNgramTfidf((1, 3), 30)
    rows, queries = whole.fit_transform(real_titles), whole.transform(real_titles[:90])
    monkeypatch.setattr(ngrams, "BLOCK_DOCS", 37)
    blocked = CharNgramTfidf((1, 3), 30)
    rows_b, queries_b = blocked.fit_transform(real_titles), blocked.transform(real_titles[:90])
    assert rows.shape == rows_b.shape and rows.nnz == rows_b.nnz
    assert np.abs((rows @ rows.T - rows_b @ rows_b.T).toarray()).max() < 1e-6
    assert np.abs((queries @ rows.T - queries_b @ rows_b.T).toarray()).max() < 1e-6


def test_spans_counted_elsewhere_fit_the_same_index(real_titles: list[str]) -> None:
    """The matcher counts the factory side's n-grams span by span on its pool; the fitted index is the same."""
    from sourcefinder.match.ngrams import count_blocks, merge_counted
    from sourcefinder.match.title_index import NGRAM_RANGE, TitleIndex

    whole = TitleIndex.of_texts(real_titles)
    counted = [
        block
        for start in range(0, len(real_titles), 41)
        for block in count_blocks(real_titles[start : start + 41], NGRAM_RANGE)
    ]
    spans = TitleIndex.fit(merge_counted(counted))
    queries = real_titles[:60]
    one, two = sorted(whole.candidates(queries, top_n=5)), sorted(spans.candidates(queries, top_n=5))
    assert [(q, e) for q, e, _ in one] == [(q, e) for q, e, _ in two]
    assert [c for _, _, c in one] == pytest.approx([c for _, _, c in two], abs=1e-6)
