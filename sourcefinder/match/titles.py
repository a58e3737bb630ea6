"""Title side of the matcher: normalise a title, compare two, find candidates, score a pair.

- :func:`prepare` turns a title (and its attributes, if any) into a :class:`TitleInfo`.
- :func:`compare` lines two of them up: fuzzy similarity, agreeing and conflicting facts.
- :class:`TitleIndex` finds candidate pairs among many listings by character n-gram TF-IDF.
- :func:`title_probability` turns the evidence into a probability from a small fitted logistic regression.

Rules and measured numbers: ``docs/matching-titles.md``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, cached_property, lru_cache
from importlib import resources
from types import MappingProxyType, ModuleType
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy import sparse

from sourcefinder.match.ngrams import CharNgramTfidf, Counted
from sourcefinder.match.title_features import (
    SIZE_DIMENSIONS,
    PairFeatures,
    TitleRow,
    TitleSets,
    models_match,
    pair_features,
)
from sourcefinder.match.units import Quantity, dimension_label, find_letter_sizes, find_quantities

_NO_VALUE = {"", "其他", "other", "其它", "无", "none", "null", "other/其他", "其他/other"}
# Attribute keys that carry a fact the title rules also read.
_COLOUR_KEYS = ("颜色分类", "颜色", "主要颜色", "color")
_SIZE_KEYS = ("尺码", "尺寸", "规格", "size")
_MODEL_KEYS = ("型号", "model")
# Article numbers are the seller's own: the same one is strong evidence, a different one says nothing
# (two factories selling one product, a reseller with its own numbering).
_ARTICLE_KEYS = ("货号", "款号")
_BRAND_KEYS = ("品牌", "brand")
# Attribute keys that change with every listing of one product and say nothing about identity.
_VOLATILE_KEYS = frozenset(
    {"市场价", "上市时间", "上市年份季节", "销售渠道类型", "是否商场同款", *_ARTICLE_KEYS}
)


def _frozen_dict() -> Mapping:
    return MappingProxyType({})


def _resource(name: str) -> str:
    return resources.files("sourcefinder.resources").joinpath(name).read_text("utf-8")


def _word_list(name: str) -> list[str]:
    lines = (line.strip() for line in _resource(name).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _first_char_guard(words: Iterable[str]) -> str:
    """A lookahead for the first characters of the words: re then skips most positions of a text at once
    instead of trying every alternative there (5x faster on titles)."""
    return f"(?=[{''.join(sorted({re.escape(w[0]) for w in words}))}])"


def _latin_guarded(word: str) -> str:
    """A regex for a word; latin words must stand alone (ins, not 'insole'), numbers too (2020, not 20201)."""
    core = re.escape(word)
    if re.fullmatch(r"[a-z]+", word):
        return rf"(?<![a-z]){core}(?![a-z])"
    if re.fullmatch(r"\d+", word):
        return rf"(?<![\d.]){core}(?![\d.])"
    return core


@cache
def _marketing() -> re.Pattern[str]:
    words = sorted(_word_list("marketing.txt"), key=len, reverse=True)
    return re.compile(_first_char_guard(words) + f"(?:{'|'.join(_latin_guarded(w) for w in words)})")


@cache
def _colour_families() -> dict[str, str]:
    """Colour word -> family."""
    table = json.loads(_resource("colours.json"))["families"]
    return {word: family for family, words in table.items() for word in words}


@cache
def _colour_pattern(single_chars: bool) -> re.Pattern[str]:
    words = [w for w in _colour_families() if single_chars or len(w) > 1]
    return re.compile(_first_char_guard(words) + f"(?:{_alternation(words)})")


@cache
def _model_stopwords() -> frozenset[str]:
    return frozenset(_word_list("model_stopwords.txt"))


@cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@cache
def _traditional_chars() -> frozenset[str]:
    """Characters without which OpenCC leaves a text unchanged: every character its t2s dictionary converts on
    its own, and the first character of each longer entry that changes without holding one (沈默 -> 沉默).
    OpenCC only rewrites entries it finds, so a text with none of these has no entry to rewrite."""
    entries = [item for group in _t2s()._dict_chain_data for entry in group for item in entry[2].items()]
    single = {key for key, value in entries if len(key) == 1 and key != value}
    longer = {key[0] for key, value in entries if len(key) > 1 and key != value and single.isdisjoint(key)}
    return frozenset(single | longer)


def _simplified(text: str) -> str:
    """Traditional to simplified Chinese; OpenCC (pure Python, ~20 µs) only runs when a character needs it."""
    return text if _traditional_chars().isdisjoint(text) else _t2s().convert(text)


def _segmenter_module() -> ModuleType:
    """jieba_fast_dat (jieba's dictionary and rules in C++, ~13 µs a title instead of ~85) when installed (the
    ``fast`` extra), else jieba; they segment ~1.5 % of titles differently (docs/matching-titles.md)."""
    try:
        import jieba_fast_dat as jieba
    except ImportError:
        import jieba
    return jieba


def segmenter(jieba: ModuleType) -> Any:
    """A private tokenizer of ``jieba`` (jieba or jieba_fast_dat) with the user dictionary, built quietly."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in _userdict_words():
        tokenizer.add_word(word, freq=20000)
    return tokenizer


@cache
def _tokenizer() -> Any:
    """The segmenter the titles use (see _segmenter_module), built once."""
    return segmenter(_segmenter_module())


def _userdict_words() -> list[str]:
    """Brands, colours and unit words: kept whole by the segmenter."""
    from sourcefinder.match.units import unit_table

    units = [u for dim in unit_table()["dimensions"].values() for u in dim["units"] if len(u) > 1]
    return _word_list("userdict.txt") + [w for w in _colour_families() if len(w) > 1] + units


# --- normalisation ---------------------------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w.*×\-/+%]+|_")
_MODEL = re.compile(r"(?=[a-z0-9])(?<![a-z0-9])[a-z0-9]+(?:-[a-z0-9]+)*(?![a-z0-9])")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), traditional to simplified, lowercase, marketing words and punctuation out."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _simplified(text).lower()
    text = _marketing().sub(" ", text)
    return " ".join(_PUNCT.sub(" ", text).split())


@lru_cache(maxsize=1 << 18)
def _part_tokens(part: str) -> tuple[str, ...]:
    """The segmenter's tokens of one space-free part of a text (parts repeat across listings: cached; listings
    with a part in common share its tokens)."""
    # normalize() has turned punctuation and other whitespace into single spaces, so no token is blank.
    return tuple(_tokenizer().lcut(part))


def _tokens(text: str) -> tuple[str, ...]:
    """The segmenter's tokens of a normalised text, part by part: jieba never joins characters across a space."""
    return tuple(t for part in text.split(" ") for t in _part_tokens(part))


@lru_cache(maxsize=1 << 16)
def _split_values(value: str) -> frozenset[str]:
    """An attribute value as its parts: ``Kangnai/康奈`` -> ``kangnai``, ``康奈`` (values repeat: cached, and
    listings with one value share one set)."""
    parts = (p.strip() for p in re.split(r"[/,，;；、|]", normalize(value)))
    return frozenset(p for p in parts if p and p not in _NO_VALUE)


def _colours(text: str, single_chars: bool = False) -> set[str]:
    families = _colour_families()
    return {families[m.group(0)] for m in _colour_pattern(single_chars).finditer(text)}


@lru_cache(maxsize=1 << 16)
def _value_colours(value: str) -> frozenset[str]:
    """The colour families of a colour attribute value, single characters included (cached)."""
    return frozenset(_colours(normalize(value), single_chars=True))


# A quantity or a material glued to other letters ("65WPC" = 65W + PC, "10MMNBR", "TPE10MM") is not a model.
_GLUED = re.compile(
    r"\d+(?:\.\d+)?(?:mm|cm|m|w|ml|l|kg|g|v|a|mah|ah|gb|tb|寸)|abs|pvc|tpe|tpu|nbr|eva|led|pc|pp|pe|pu|pd|usb"
)


@lru_cache(maxsize=1 << 16)
def _is_model(code: str) -> bool:
    """A letter+digit code once glued quantities and materials are cut out (codes repeat: cached)."""
    rest = _GLUED.sub("", code.lower())
    has_letter = any(c.isalpha() for c in rest)
    has_digit = any(c.isdigit() for c in rest)
    return has_letter and has_digit and code not in _model_stopwords()


def _model_key(code: str) -> str:
    return code.replace("-", "").upper()


def _title_models(text: str, found: Sequence[Quantity]) -> set[str]:
    """Letter+digit codes left in a title once its quantities and sizes (``found``) are cut out (A8, X-200,
    iphone15)."""
    for q in found:
        start, end = q.span
        text = text[:start] + " " * (end - start) + text[end:]
    return {_model_key(m.group(0)) for m in _MODEL.finditer(text) if _is_model(m.group(0))}


@lru_cache(maxsize=1 << 16)
def _attribute_models(value: str) -> frozenset[str]:
    """A 货号/型号 value: its codes, or the whole value when it is a bare number (1701); cached."""
    text = normalize(value)
    codes = {_model_key(m.group(0)) for m in _MODEL.finditer(text)}
    return frozenset(
        c for c in codes if any(ch.isdigit() for ch in c) and (len(c) >= 3 or _is_model(c.lower()))
    )


def _pick(attributes: Mapping[str, str], keys: Sequence[str]) -> list[str]:
    return [attributes[k] for k in keys if attributes.get(k)]


@dataclass(frozen=True)
class TitleInfo:
    """A title taken apart: normalised text, tokens and the facts found in it and in the attributes."""

    title: str
    text: str
    tokens: tuple[str, ...]
    quantities: Mapping[str, frozenset[str]] = field(default_factory=_frozen_dict)
    colours: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    attributes: Mapping[str, frozenset[str]] = field(default_factory=_frozen_dict)
    surfaces: Mapping[str, str] = field(default_factory=_frozen_dict)  # normalised value -> as written

    # The derived values below are built on each read, not cached: a cached value is written into the
    # instance (on fork-shared pages, and under cached_property's lock, ~27 µs a title), and keeping the sets
    # would double the size of every TitleInfo (docs/matching.md).
    @property
    def joined(self) -> str:
        """The tokens joined by spaces, as the token ratios read them."""
        return " ".join(self.tokens)

    def __reduce__(self):
        """Pickle (for process pools) with plain dicts in place of the read-only mappings."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        return _title_info, (
            {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in state.items()},
        )

    @property
    def index_text(self) -> str:
        """What the candidate index reads: the text plus model codes and brands from the attributes."""
        values = sorted({part for parts in self.attributes.values() for part in parts})
        return " ".join([self.text, *sorted(self.models), *sorted(self.brands), *values]).lower()


def _title_info(state: dict) -> TitleInfo:
    """A TitleInfo from its pickled fields."""
    return TitleInfo(**{k: MappingProxyType(v) if isinstance(v, dict) else v for k, v in state.items()})


def parse_pv_pairs(pv_pairs: str | None) -> dict[str, str]:
    """Attributes written ``key#:#value`` joined by ``#;#`` (Taobao/EMBER) as a dict."""
    out: dict[str, str] = {}
    for pair in (pv_pairs or "").split("#;#"):
        key, sep, value = pair.partition("#:#")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _all_quantities(text: str) -> list[Quantity]:
    """The quantities and letter sizes of a normalised text."""
    return [*find_quantities(text), *find_letter_sizes(text)]


@lru_cache(maxsize=1 << 16)
def _value_quantities(value: str) -> tuple[Quantity, ...]:
    """The quantities of an attribute value (values repeat across listings: cached)."""
    return tuple(_all_quantities(normalize(value)))


def _quantities(
    found: Sequence[Quantity], attributes: Mapping[str, str]
) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Dimension -> values, and value -> as written, of a title's quantities (``found``) and those of its size
    attributes."""
    found = list(found)
    for value in _pick(attributes, _SIZE_KEYS) + _pick(attributes, ("容量", "功率", "净含量", "重量")):
        found += _value_quantities(value)
    quantities: dict[str, set[str]] = {}
    surfaces: dict[str, str] = {}
    for q in found:
        quantities.setdefault(q.dimension, set()).add(q.value)
        surfaces.setdefault(q.value, q.surface)
    return quantities, surfaces


_EMPTY: frozenset[str] = frozenset()


def _frozen(values: Iterable[str]) -> frozenset[str]:
    """The values as a frozenset; empty ones share one object (each new one is 216 bytes)."""
    return frozenset(values) or _EMPTY


def prepare(title: str, attributes: Mapping[str, str] | None = None) -> TitleInfo:
    """Normalise a title and read its quantities, colours, model numbers and brands (title + attributes)."""
    attributes = {str(k).strip(): str(v) for k, v in (attributes or {}).items() if v is not None}
    text = normalize(title)
    found = _all_quantities(text)
    quantities, surfaces = _quantities(found, attributes)
    colours = _colours(text)
    for value in _pick(attributes, _COLOUR_KEYS):
        colours |= _value_colours(value)
    models = _title_models(text, found)
    for value in _pick(attributes, _MODEL_KEYS):
        models |= _attribute_models(value)
    articles = {code for value in _pick(attributes, _ARTICLE_KEYS) for code in _attribute_models(value)}
    tokens = _tokens(text)
    brands = {b for v in _pick(attributes, _BRAND_KEYS) for b in _split_values(v)}
    brands |= _known_brands().intersection(tokens)
    attrs = {
        sys.intern(k): parts
        for k, v in attributes.items()
        if k not in _VOLATILE_KEYS
        for parts in [_split_values(v)]
        if parts
    }
    return TitleInfo(
        title=title,
        text=text,
        tokens=tokens,
        quantities=MappingProxyType({k: frozenset(v) for k, v in quantities.items()}),
        colours=_frozen(colours),
        models=_frozen(models),
        articles=_frozen(articles),
        brands=_frozen(brands),
        attributes=MappingProxyType(attrs),
        surfaces=MappingProxyType(surfaces),
    )


@cache
def _known_brands() -> frozenset[str]:
    return frozenset(w.lower() for w in _word_list("userdict.txt"))


# --- comparison ------------------------------------------------------------------------------------------


Message = Callable[[], str]
Fact = tuple[Message | None, Message | None]  # (agreeing, conflicting) message of one fact, written on demand


@dataclass(frozen=True)
class TitleEvidence:
    """What two titles share and where they disagree (the messages are only written when read)."""

    similarity: float
    values: Mapping[str, float]
    facts: tuple[Fact, ...] = ()

    @cached_property
    def agreeing(self) -> list[str]:
        return [agree() for agree, _ in self.facts if agree]

    @cached_property
    def conflicting(self) -> list[str]:
        return [conflict() for _, conflict in self.facts if conflict]

    def features(self) -> dict[str, float]:
        """The numbers the probability model reads."""
        return dict(self.values)


def _compare_sets(name: str, a: frozenset[str], b: frozenset[str], show) -> Fact:
    """(agreeing, conflicting) message for two sets of values of one fact; None when one side is silent."""
    if not a or not b:
        return None, None
    shared = a & b
    if shared:
        return (lambda: f"{name} {'/'.join(sorted(show(v) for v in shared))}"), None
    return None, lambda: f"{name} {'/'.join(sorted(map(show, a)))} ≠ {'/'.join(sorted(map(show, b)))}"


def _model_sets(a: frozenset[str], b: frozenset[str]) -> Fact:
    if not a or not b:
        return None, None
    if any(models_match(x, y) for x in a for y in b):
        pairs = [(x, y) for x in sorted(a) for y in sorted(b) if models_match(x, y)]
        return (lambda: f"型号 {pairs[0][0]} ~ {pairs[0][1]}"), None
    return None, lambda: f"型号 {'/'.join(sorted(a))} ≠ {'/'.join(sorted(b))}"


def _article_agreement(a: TitleInfo, b: TitleInfo) -> Fact:
    """An article number (货号) of one listing found among the other's article or model numbers."""
    shared = (a.articles & (b.articles | b.models)) | (b.articles & a.models)
    return ((lambda: f"货号 {'/'.join(sorted(shared))}") if shared else None), None


def facts(a: TitleInfo | TitleRow, b: TitleInfo | TitleRow) -> list[tuple[str, Fact]]:
    """(kind, fact) for the quantities, colours, models and brands of two titles: what they agree on and where
    they conflict, in words (title_features counts the same facts for many pairs at once; tested equal)."""
    surfaces = {**b.surfaces, **a.surfaces}

    def as_written(value: str) -> str:
        return surfaces.get(value, value)

    facts = [
        (
            "size" if dim in SIZE_DIMENSIONS else "quantity",
            _compare_sets(dimension_label(dim), a.quantities[dim], b.quantities[dim], as_written),
        )
        for dim in sorted(a.quantities.keys() & b.quantities.keys())
    ]
    facts += [
        ("colour", _compare_sets("颜色", a.colours, b.colours, str)),
        ("model", _model_sets(a.models, b.models)),
        ("model", _article_agreement(a, b)),
        ("brand", _compare_sets("品牌", a.brands, b.brands, str)),
    ]
    return facts


def similarity(a: TitleInfo | TitleRow, b: TitleInfo | TitleRow) -> float:
    """The similarity shown with a match: rapidfuzz's token_set_ratio of the segmented titles, 0-1."""
    return fuzz.token_set_ratio(a.joined, b.joined) / 100


def compare(a: TitleInfo, b: TitleInfo) -> TitleEvidence:
    """Line up two titles: their features (as title_features computes them for many pairs) and the quantities,
    colours, models and brands they agree on or not, in words."""
    both = TitleSets.of([a, b])
    features = pair_features(both, both, np.array([0]), np.array([1]))
    values = MappingProxyType(features.as_dict(0))
    return TitleEvidence(similarity(a, b), values, tuple(fact for _, fact in facts(a, b)))


# --- candidate index -------------------------------------------------------------------------------------


TOPN_THREADS = os.cpu_count() or 1  # threads of the sparse top-n product (1 in the matcher's pool workers)


def _topn_product(queries: sparse.csr_matrix, entries_t: sparse.csr_matrix, top_n: int, threshold: float):
    """``queries @ entries_t`` (the entries as columns) keeping the ``top_n`` largest values per row above
    ``threshold``."""
    try:
        from sparse_dot_topn import sp_matmul_topn
    except ImportError:
        return _blocked_topn(queries, entries_t, top_n, threshold)
    return sp_matmul_topn(queries, entries_t, top_n=top_n, threshold=threshold, n_threads=TOPN_THREADS)


def _blocked_topn(queries: sparse.csr_matrix, entries_t: sparse.csr_matrix, top_n: int, threshold: float):
    """Plain scipy fallback: the product in row blocks, each trimmed to its top ``top_n``."""
    rows, cols, vals = [], [], []
    for start in range(0, queries.shape[0], 2000):
        block = (queries[start : start + 2000] @ entries_t).toarray()
        keep = min(top_n, block.shape[1])
        best = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        scores = np.take_along_axis(block, best, axis=1)
        r, c = np.nonzero(scores > threshold)
        rows.append(r + start)
        cols.append(best[r, c])
        vals.append(scores[r, c])
    shape = (queries.shape[0], entries_t.shape[1])
    if not rows:
        return sparse.csr_matrix(shape)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape
    )


# An n-gram in more than 1% of the entries, or in more than MOST_NGRAM_DOCS of them, is dropped (but never
# one in COMMON_NGRAM_DOCS or fewer): it cannot single out the identical item among a few hundred others, and
# its postings make the top-n product slow (100k x 100k: 70 s -> 4 s at 1%, then 28 -> 10 s summed over the
# pool at 300, with the same true pairs found; docs/matching.md). The cap keeps a query's cost from growing
# with the index (1% of a million entries would be 10,000 postings an n-gram).
COMMON_NGRAM_DOCS = 50
MOST_NGRAM_DOCS = 300
NGRAM_RANGE = (1, 3)  # character n-grams of the title index


class TitleIndex:
    """Character n-gram TF-IDF over many titles (the factory side), queried for the closest ones.

    Entries and queries are ``TitleInfo.index_text`` strings."""

    def __init__(self, texts: Iterable[str] = (), ngram_range: tuple[int, int] = NGRAM_RANGE) -> None:
        self.texts: list[str] = []
        self.ngram_range = ngram_range
        self._vectorizer: CharNgramTfidf | None = None
        self._matrix: sparse.csr_matrix | None = None
        self._rows: sparse.csr_matrix | None = None
        self.add(texts)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, texts: Iterable[str]) -> None:
        """Add entries; the TF-IDF weights are refitted on all entries at the next query."""
        self.texts.extend(texts)
        self._matrix = None

    def fit(self, counted: Sequence[Counted] | None = None) -> None:
        """Fit the TF-IDF weights now (else at the first query). ``counted``: the entries' n-grams already
        counted block by block (``ngrams.count_blocks`` with ``ngram_range``, in order; the matcher counts them
        on its pool)."""
        max_df = max(min(int(0.01 * len(self.texts)), MOST_NGRAM_DOCS), COMMON_NGRAM_DOCS)
        self._vectorizer = CharNgramTfidf(self.ngram_range, max_df)
        if counted is None:
            self._rows = self._vectorizer.fit_transform(self.texts)
        else:
            self._rows = self._vectorizer.fit_counted(counted)
        # Also stored transposed (n-grams x entries), the shape the top-n product reads.
        self._matrix = self._rows.T.tocsr()

    def _fitted(self) -> tuple[CharNgramTfidf, sparse.csr_matrix]:
        if self._matrix is None:
            self.fit()
        return self._vectorizer, self._matrix

    def vectors(self, queries: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF rows of query texts, in the entries' weights."""
        return self._fitted()[0].transform(queries)

    def cosines(self, vectors: sparse.csr_matrix, qi: np.ndarray, ei: np.ndarray) -> np.ndarray:
        """The cosine of each pair (query row vectors[qi[k]], entry ei[k])."""
        self._fitted()
        return np.asarray(vectors[qi].multiply(self._rows[ei]).sum(axis=1)).ravel()

    def candidates(
        self, queries: Sequence[str], top_n: int = 20, min_similarity: float = 0.1
    ) -> list[tuple[int, int, float]]:
        """(query index, entry index, cosine) for each query's ``top_n`` closest entries at ``min_similarity`` or more."""
        rows, cols, vals = self.candidate_arrays(queries, top_n, min_similarity)
        return list(zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True))

    def candidate_arrays(
        self, queries: Sequence[str], top_n: int = 20, min_similarity: float = 0.1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What ``candidates`` finds as three arrays (query index, entry index, cosine), best first per query."""
        if not self.texts or not queries:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
        return self.closest(self.vectors(queries), top_n, min_similarity)

    def closest(
        self, vectors: sparse.csr_matrix, top_n: int = 20, min_similarity: float = 0.1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """candidate_arrays of queries given as their TF-IDF rows (``vectors``)."""
        product = _topn_product(vectors, self._fitted()[1], top_n, min_similarity).tocoo()
        keep = product.data >= min_similarity
        rows, cols, vals = product.row[keep], product.col[keep], product.data[keep]
        order = np.lexsort((-vals, rows))
        return rows[order].astype(np.int64), cols[order].astype(np.int64), vals[order].astype(np.float64)


# --- probability -----------------------------------------------------------------------------------------

MODEL_RESOURCE = "title_model.json"


@cache
def title_model() -> dict:
    """The fitted logistic regression: feature names, scaling, coefficients, intercept, threshold."""
    return json.loads(_resource(MODEL_RESOURCE))


def title_threshold() -> float:
    """The decision threshold chosen on the training pairs (best F1 there)."""
    return float(title_model()["threshold"])


@cache
def _title_weights() -> tuple[float, dict[str, float]]:
    """The model as (log-odds of all-zero features, weight per feature): standardisation folded in."""
    model = title_model()
    names, means, scales, coefs = model["features"], model["mean"], model["scale"], model["coef"]
    weights = {name: coef / scale for name, scale, coef in zip(names, scales, coefs, strict=True)}
    base = model["intercept"] - sum(w * m for w, m in zip(weights.values(), means, strict=True))
    return base, weights


def title_probability(ev: TitleEvidence) -> float:
    """Probability that two listings are the identical product, from title evidence alone."""
    base, weights = _title_weights()
    z = base + sum(weights[name] * value for name, value in ev.values.items() if name in weights)
    return 1.0 / (1.0 + math.exp(-z))


def title_probabilities(features: PairFeatures) -> np.ndarray:
    """title_probability of many pairs at once."""
    base, weights = _title_weights()
    z = base + features.matrix(list(weights)) @ np.fromiter(weights.values(), float, len(weights))
    return 1.0 / (1.0 + np.exp(-z))
