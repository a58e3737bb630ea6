"""The combined confidence: identifiers, photos and titles move it the way the evidence says."""

from __future__ import annotations

from sourcefinder import titles
from sourcefinder.evidence import PairEvidence, confidences, identifier_evidence


def _pair(retail: int, factory: int, title_a: str, title_b: str, phash=None, dhash=None, attrs=({}, {})):
    ev = titles.compare(titles.prepare(title_a), titles.prepare(title_b))
    agree, conflict = identifier_evidence(*attrs)
    return PairEvidence(retail, factory, ev, titles.title_probability(ev), phash, dhash, agree, conflict)


SPOON = "景德镇陶瓷勺子家用汤勺"


def test_equal_gtin_is_near_certain_and_a_different_one_a_conflict():
    plain = _pair(0, 0, SPOON, "陶瓷汤勺家用")
    same = _pair(
        1, 0, SPOON, "陶瓷汤勺家用", attrs=({"gtin13": "6901234567892"}, {"gtin13": "6901234567892"})
    )
    other = _pair(
        2, 0, SPOON, "陶瓷汤勺家用", attrs=({"gtin13": "6901234567892"}, {"gtin13": "6901234567809"})
    )
    base, agreed, conflicting = confidences([plain, same, other])
    assert agreed > 0.97 and agreed > base
    assert conflicting < 0.05 and conflicting < base


def test_the_same_photo_raises_confidence_and_a_different_one_lowers_it():
    no_photo = _pair(0, 0, SPOON, "陶瓷勺子家用汤勺 工厂直供")
    same_photo = _pair(1, 0, SPOON, "陶瓷勺子家用汤勺 工厂直供", phash=3, dhash=4)
    far_photo = _pair(2, 0, SPOON, "陶瓷勺子家用汤勺 工厂直供", phash=30, dhash=29)
    none, same, far = confidences([no_photo, same_photo, far_photo])
    assert same > none > far


def test_a_size_conflict_is_not_a_match_even_with_the_same_photo():
    """Size siblings share one photo; the title must keep them apart."""
    sibling = _pair(0, 0, "网红陶瓷勺子16.5cm", "陶瓷勺子18cm 厂家直销", phash=0, dhash=0)
    assert sibling.title.conflicting
    right = _pair(0, 1, "网红陶瓷勺子16.5cm", "陶瓷勺子16.5cm 厂家直销", phash=0, dhash=0)
    wrong_p, right_p = confidences([sibling, right])
    assert right_p > 0.9 and wrong_p < 0.05
    [alone] = confidences([sibling])  # even when it is the only candidate
    assert alone < 0.05
