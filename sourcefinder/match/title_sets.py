"""The set-valued facts of many titles (tokens, bigrams, colours, brands, model and article numbers,
quantities, attributes) as binary sparse rows over one vocabulary per kind of value: compact to hold, share and
save, and read back title by title for the messages of a match."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from sourcefinder.match.columns import StringColumn, column
from sourcefinder.match.ngrams import bigram_keys
from sourcefinder.match.units import FIT_DIMENSIONS

if TYPE_CHECKING:
    from sourcefinder.match.prepare import TitleInfo

# Quantity dimensions that are clothing and shoe sizes and the body a garment fits (their own features); the
# others are quantities.
SIZE_DIMENSIONS = ("size", "shoe_size", *FIT_DIMENSIONS)
# The fixed features, in the order of PairFeatures.columns; per-key attribute features follow as attr=<key>.
_EMPTY: frozenset[str] = frozenset()
SEPARATOR = "\x1f"  # between a key and a value in one vocabulary entry ("尺寸\x1f165mm")

# Keyed vocabularies ("key\x1fvalue") and the vocabulary of their keys.
KEYED = (("attributes", "attribute_keys"), ("quantities", "dimensions"))
# field -> the vocabulary it is counted in (model and article numbers share one, so that they can meet).
SPACES = {
    "bigrams": "bigrams",
    "surfaces": "surfaces",
    "tokens": "tokens",
    "colours": "colours",
    "brands": "brands",
    "models": "codes",
    "articles": "codes",
    "quantities": "quantities",
    "dimensions": "dimensions",
    "attributes": "attributes",
    "attribute_keys": "attribute_keys",
}


@lru_cache(maxsize=1 << 16)
def _keyed(key: str, values: frozenset[str]) -> tuple[str, ...]:
    """``key\x1fvalue`` for each value (attribute parts, quantity values; they repeat across titles: cached)."""
    return tuple(f"{key}{SEPARATOR}{value}" for value in values)


def _keyed_values(mapping: Mapping[str, frozenset[str]]) -> list[str]:
    return [item for key, values in mapping.items() for item in _keyed(key, values)]


def _split_keyed(items: Iterable[str]) -> dict[str, set[str]]:
    """``key\x1fvalue`` items back to key -> values."""
    out: dict[str, set[str]] = {}
    for item in items:
        key, _, value = item.partition(SEPARATOR)
        out.setdefault(key, set()).add(value)
    return out


# field -> its values in a title (tokens may repeat; _binary_rows counts each value once)
_FIELDS: dict[str, Callable[[TitleInfo], Collection[str]]] = {
    "tokens": lambda info: info.tokens,
    "colours": lambda info: info.colours,
    "brands": lambda info: info.brands,
    "models": lambda info: info.models,
    "articles": lambda info: info.articles,
    "quantities": lambda info: _keyed_values(info.quantities),
    "dimensions": lambda info: info.quantities.keys(),
    "attributes": lambda info: _keyed_values(info.attributes),
    "attribute_keys": lambda info: info.attributes.keys(),
    "surfaces": lambda info: [f"{value}{SEPARATOR}{surface}" for value, surface in info.surfaces.items()],
}


def _binary_rows(
    docs: np.ndarray, values: np.ndarray, n_docs: int, vocabulary: pd.Index
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(binary rows over ``vocabulary``, number of distinct values of each row, unknown ones included)."""
    local, uniques = pd.factorize(values)
    counted = sparse.csr_matrix(
        (np.ones(len(local), np.float32), (docs, local)), shape=(n_docs, len(uniques))
    )
    counted.sum_duplicates()  # each value once per row
    columns = vocabulary.get_indexer(uniques)[counted.indices] if len(uniques) else counted.indices
    known = columns >= 0
    rows = np.repeat(np.arange(n_docs), np.diff(counted.indptr))[known]
    binary = sparse.csr_matrix(
        (np.ones(int(known.sum()), np.float32), (rows, columns[known])), shape=(n_docs, len(vocabulary))
    )
    binary.sum_duplicates()  # canonical (sorted, no duplicates): what the element-wise products read
    return binary, np.diff(counted.indptr)


def _flat(infos: Sequence[TitleInfo], field: str) -> tuple[np.ndarray, np.ndarray]:
    """(title position, value) of every value of a field."""
    per_info = list(map(_FIELDS[field], infos))
    lengths = np.fromiter(map(len, per_info), np.int64, len(per_info))
    values = np.fromiter(chain.from_iterable(per_info), dtype=object, count=int(lengths.sum()))
    return np.repeat(np.arange(len(infos)), lengths), values


class CodeSets(Sequence[frozenset[str]]):
    """Each title's model numbers, read from their joined strings (a saved index's ``joined_models``)."""

    def __init__(self, joined: Sequence[str]) -> None:
        self.joined = joined

    def __len__(self) -> int:
        return len(self.joined)

    def __getitem__(self, k: int) -> frozenset[str]:  # type: ignore[override]
        return _codes(self.joined[k])

    def __iter__(self) -> Iterator[frozenset[str]]:
        return map(_codes, self.joined)


def _codes(joined: str) -> frozenset[str]:
    return frozenset(joined.split(SEPARATOR)) if joined else _EMPTY


@dataclass
class TitleSets:
    """The set-valued facts of many titles as binary sparse rows (one row per title, one matrix per field).

    Compact (numpy arrays and one vocabulary of strings per kind of value), so the factory side of a large
    index is cheap to hold, to share with forked workers and to send between processes; ``rows_of`` reads
    titles' facts back (for the messages of a match)."""

    vocabulary: dict[str, pd.Index]  # vocabulary name -> its values (the columns)
    rows: dict[str, sparse.csr_matrix]  # field -> binary rows over its vocabulary (known values only)
    sizes: dict[str, np.ndarray]  # field -> distinct values per title, unknown ones included
    texts: list[str]  # normalised texts, for the edit-distance ratio
    joined: list[str]  # tokens joined by spaces, for the similarity shown with a match
    models: list[frozenset[str]]  # model numbers, for the containment rule (SHB610 ~ SHB610CR)

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def of(cls, infos: Sequence[TitleInfo], vocabulary: dict[str, pd.Index] | None = None) -> TitleSets:
        """The sets of ``infos``; values are counted in ``vocabulary`` (e.g. the factory side's), or in a new
        one made of these titles' values."""
        texts = [info.text for info in infos]
        flats = {field: _flat(infos, field) for field in _FIELDS}
        flats["bigrams"] = bigram_keys(texts)
        if vocabulary is None:
            vocabulary = {
                space: pd.Index(
                    pd.unique(np.concatenate([flats[f][1] for f, s in SPACES.items() if s == space]))
                )
                for space in sorted(set(SPACES.values()))
            }
        rows, sizes = {}, {}
        for field, (docs, values) in flats.items():
            rows[field], sizes[field] = _binary_rows(docs, values, len(infos), vocabulary[SPACES[field]])
        joined = [info.joined for info in infos]
        return cls(vocabulary, rows, sizes, texts, joined, [info.models for info in infos])

    @classmethod
    def concat(cls, parts: Sequence[TitleSets]) -> TitleSets:
        """The titles of all ``parts`` in order, over the union of their vocabularies (each part's own
        values; e.g. spans of the factory side made on pool workers)."""
        vocabulary = {
            space: pd.Index(pd.unique(np.concatenate([p.vocabulary[space].to_numpy() for p in parts])))
            for space in parts[0].vocabulary
        }
        rows = {}
        for field, space in SPACES.items():
            blocks = []
            for part in parts:
                columns = vocabulary[space].get_indexer(part.vocabulary[space])
                matrix = part.rows[field]
                blocks.append(
                    sparse.csr_matrix(
                        (matrix.data, columns[matrix.indices], matrix.indptr),
                        shape=(matrix.shape[0], len(vocabulary[space])),
                    )
                )
            rows[field] = sparse.vstack(blocks, format="csr")
            rows[field].sum_duplicates()
        return cls(
            vocabulary,
            rows,
            {field: np.concatenate([p.sizes[field] for p in parts]) for field in parts[0].sizes},
            [t for p in parts for t in p.texts],
            [j for p in parts for j in p.joined],
            [m for p in parts for m in p.models],
        )

    def take(self, positions: np.ndarray) -> TitleSets:
        """The titles at ``positions``, in that order, over the same vocabularies."""
        positions = np.asarray(positions, np.int64)
        return TitleSets(
            self.vocabulary,
            {field: matrix[positions] for field, matrix in self.rows.items()},
            {field: np.asarray(sizes)[positions] for field, sizes in self.sizes.items()},
            [self.texts[k] for k in positions.tolist()],
            [self.joined[k] for k in positions.tolist()],
            [self.models[k] for k in positions.tolist()],
        )

    def to_parts(self) -> dict[str, Any]:
        """Arrays and sparse matrices to save (``from_parts`` reads them back): strings as StringColumns, each
        title's model numbers as one string, and the cached arrays a query reads, so that loading is a map."""
        parts: dict[str, Any] = {}
        parts.update(column(self.texts).to_parts("texts"))
        parts.update(column(self.joined).to_parts("joined"))
        parts.update(column(self.joined_models).to_parts("joined_models"))
        shortest, longest = self.model_lengths
        parts.update({"model_lengths.shortest": shortest, "model_lengths.longest": longest})
        for space, values in self.vocabulary.items():
            array = values.to_numpy()
            if array.dtype == object:
                parts.update(StringColumn.of(array.tolist()).to_parts(f"vocabulary.{space}"))
            else:
                parts[f"vocabulary.{space}.values"] = array
        parts.update({f"rows.{field}": matrix for field, matrix in self.rows.items()})
        parts.update({f"sizes.{field}": np.asarray(sizes) for field, sizes in self.sizes.items()})
        parts.update({f"key_columns.{items}": columns for items, columns in self.key_columns.items()})
        parts.update({"token_idf": self.token_idf[0], "token_rarest": self.token_idf[1]})
        parts["token_weights"] = self.token_weights
        return parts

    @classmethod
    def from_parts(cls, parts: dict[str, Any]) -> TitleSets:
        """The TitleSets that ``to_parts`` wrote (strings decoded only when read)."""

        def named(prefix: str) -> dict[str, Any]:
            return {k.removeprefix(prefix): v for k, v in parts.items() if k.startswith(prefix)}

        vocabulary = {}
        for space in {name.split(".")[1] for name in parts if name.startswith("vocabulary.")}:
            values = parts.get(f"vocabulary.{space}.values")
            vocabulary[space] = pd.Index(
                values if values is not None else list(StringColumn.from_parts(parts, f"vocabulary.{space}"))
            )
        joined_models = StringColumn.from_parts(parts, "joined_models")
        sets = cls(
            vocabulary,
            named("rows."),
            named("sizes."),
            StringColumn.from_parts(parts, "texts"),
            StringColumn.from_parts(parts, "joined"),
            CodeSets(joined_models),
        )
        # Saved with the sets: loading makes no pass over the titles or the vocabularies.
        sets.__dict__["joined_models"] = joined_models
        sets.__dict__["model_lengths"] = (parts["model_lengths.shortest"], parts["model_lengths.longest"])
        sets.__dict__["key_columns"] = named("key_columns.")
        sets.__dict__["token_idf"] = (parts["token_idf"], parts["token_rarest"])
        sets.__dict__["token_weights"] = parts["token_weights"]
        return sets

    def row(self, k: int) -> TitleRow:
        """Title ``k`` read back (title_compare.facts and title_compare.similarity accept it)."""
        return self.rows_of([k])[0]

    def rows_of(self, ks: Sequence[int]) -> list[TitleRow]:
        """Titles ``ks`` read back, each field of all of them in one sparse gather (the messages of the kept
        pairs of a span)."""
        ks = np.asarray(ks, np.int64)
        decoded = []
        for field in TitleRow.DECODED:
            matrix = self.rows[field][ks]
            values = self._arrays[SPACES[field]][matrix.indices].tolist()
            bounds = matrix.indptr.tolist()
            decoded.append([values[a:b] for a, b in zip(bounds, bounds[1:], strict=False)])
        return [
            TitleRow(self.texts[k], self.joined[k], self.models[k], *fields)
            for k, *fields in zip(ks.tolist(), *decoded, strict=True)
        ]

    def cache_model_arrays(self) -> None:
        """Compute the cached arrays now (in the main process, before a fork pool shares them)."""
        _ = self.model_lengths, self.joined_models, self.key_columns, self.token_weights

    @cached_property
    def token_idf(self) -> tuple[np.ndarray, float]:
        """Each token's inverse document frequency over these titles, and that of a token none of them holds
        (the IDF-weighted overlaps of title_features read them for every pair)."""
        n = max(len(self), 1)
        df = np.asarray(self.rows["tokens"].sum(axis=0)).ravel()
        return np.log((n + 1) / (df + 1)) + 1, float(np.log(n + 1) + 1)

    @cached_property
    def token_weights(self) -> np.ndarray:
        """Each title's tokens' IDF summed."""
        return np.asarray(self.rows["tokens"] @ self.token_idf[0]).ravel()

    @cached_property
    def key_columns(self) -> dict[str, np.ndarray]:
        """For each keyed vocabulary ("key\\x1fvalue": attributes, quantities), the column of each entry's key in
        its key vocabulary (attribute_keys, dimensions)."""
        return {
            items: self.vocabulary[keys]
            .get_indexer([item.split(SEPARATOR, 1)[0] for item in self.vocabulary[items]])
            .astype(np.int64)
            for items, keys in KEYED
        }

    @cached_property
    def model_lengths(self) -> tuple[np.ndarray, np.ndarray]:
        """Per title, the length of its shortest model number of 3+ characters (99 when none) and of its
        longest (0 when none), for the containment rule (_models_meet)."""
        n = len(self.models)
        shortest = (min((len(c) for c in codes if len(c) >= 3), default=99) for codes in self.models)
        longest = (max(map(len, codes), default=0) for codes in self.models)
        return np.fromiter(shortest, np.int64, n), np.fromiter(longest, np.int64, n)

    @cached_property
    def joined_models(self) -> list[str]:
        """Each title's model numbers joined by a separator, for the containment rule (_models_meet)."""
        return [SEPARATOR.join(codes) for codes in self.models]

    @cached_property
    def _arrays(self) -> dict[str, np.ndarray]:
        """The vocabularies as numpy arrays (indexing a pandas Index costs ~30 us a call)."""
        return {space: values.to_numpy() for space, values in self.vocabulary.items()}


class TitleRow:
    """One title of a TitleSets with what ``title_compare.facts`` and ``title_compare.similarity`` read, decoded from its sparse
    rows (``TitleSets.rows_of``): the messages of a match, without a TitleInfo kept per factory listing."""

    DECODED = ("colours", "articles", "brands", "quantities", "surfaces")  # the fields read from the rows
    __slots__ = ("text", "joined", "models", "colours", "articles", "brands", "quantities", "surfaces")

    def __init__(
        self,
        text: str,
        joined: str,
        models: frozenset[str],
        colours: list[str],
        articles: list[str],
        brands: list[str],
        quantities: list[str],
        surfaces: list[str],
    ) -> None:
        self.text, self.joined, self.models = text, joined, models
        self.colours = frozenset(colours) if colours else _EMPTY
        self.articles = frozenset(articles) if articles else _EMPTY
        self.brands = frozenset(brands) if brands else _EMPTY
        self.quantities = {dim: frozenset(values) for dim, values in _split_keyed(quantities).items()}
        self.surfaces = {value: next(iter(surface)) for value, surface in _split_keyed(surfaces).items()}
