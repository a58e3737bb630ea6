"""Title rules: one small hand-made case per rule, plus the index and the fitted model."""

from __future__ import annotations

import pytest

from sourcefinder.match.prepare import parse_pv_pairs, prepare
from sourcefinder.match.title_compare import compare, title_probability, title_threshold
from sourcefinder.match.title_index import TitleIndex
from sourcefinder.match.title_text import segmenter


@pytest.mark.parametrize("module", ["jieba", "jieba_fast_dat"])
def test_both_segmenters_load_the_user_dictionary(module: str) -> None:
    tokenizer = segmenter(pytest.importorskip(module))
    assert "东方狮城" in tokenizer.lcut("男鞋东方狮城休闲")  # a brand of userdict.txt, split without it


def _evidence(a: str, b: str, attrs_a: dict | None = None, attrs_b: dict | None = None):
    return compare(prepare(a, attrs_a), prepare(b, attrs_b))


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("不锈钢汤锅16.5cm", "不锈钢汤锅18cm", "尺寸 16.5cm ≠ 18cm"),
        ("纯棉床上用品4件套", "纯棉床上用品3件套", "套件数 4件套 ≠ 3件套"),
        ("实木床1.8m床", "实木床1.5m床", "尺寸 1.8m ≠ 1.5m"),
        ("led灯泡20W", "led灯泡30W", "功率 20w ≠ 30w"),
    ],
)
def test_quantities_that_differ_conflict(a: str, b: str, conflict: str) -> None:
    assert _evidence(a, b).conflicting == [conflict]


@pytest.mark.parametrize(
    ("a", "b", "dimension"),
    [
        ("汤锅165mm", "汤锅16.5cm", "尺寸"),
        ("保温杯500ml", "保温杯0.5L", "容量"),
        ("充电宝10000毫安", "充电宝10000mAh", "电池容量"),
    ],
)
def test_units_are_normalised_before_comparing(a: str, b: str, dimension: str) -> None:
    ev = _evidence(a, b)
    assert ev.conflicting == []
    # the dimension, and the product type both name (锅, 保温杯, 充电宝)
    assert sorted(s.split()[0] for s in ev.agreeing) == sorted([dimension, "品类"])


def test_chinese_numerals_count_as_numbers() -> None:
    assert prepare("四件套").quantities["set"] == prepare("4件套").quantities["set"] == frozenset({"4件套"})
    assert prepare("两米").quantities == {} and prepare("2米").quantities["length"] == frozenset({"2000mm"})


def test_colours_of_different_families_conflict() -> None:
    assert _evidence("红色连衣裙", "黑色连衣裙").conflicting == ["颜色 红 ≠ 黑"]


def test_shades_of_one_colour_family_agree() -> None:
    ev = _evidence("酒红连衣裙", "红色连衣裙")
    assert ev.conflicting == [] and ev.agreeing == ["品类 连衣裙", "颜色 红"]


def test_model_numbers_differ() -> None:
    ev = _evidence("扫地机器人X200", "扫地机器人X-300")
    assert ev.conflicting == ["型号 X200 ≠ X300"]
    assert prepare("手机壳 iPhone15").models == frozenset({"IPHONE15"})


def test_longer_model_code_contains_the_shorter() -> None:
    assert _evidence("羽毛球鞋SHB610", "羽毛球鞋SHB610CR").agreeing == [
        "品类 羽毛球鞋",
        "型号 SHB610 ~ SHB610CR",
    ]


def test_letter_sizes_conflict() -> None:
    assert _evidence("卫衣 XL码", "卫衣 S码").conflicting == ["尺码 XL ≠ S"]


def test_marketing_words_are_ignored() -> None:
    plain = prepare("不锈钢保温杯")
    noisy = prepare("2024新款网红爆款包邮不锈钢保温杯厂家直销一件代发")
    assert noisy.text == plain.text
    assert _evidence("不锈钢保温杯", "2024新款网红爆款包邮不锈钢保温杯").similarity == 1.0


def test_traditional_is_folded_to_simplified() -> None:
    assert prepare("連衣裙").text == prepare("连衣裙").text == "连衣裙"
    # OpenCC only runs on texts that need it; an entry that changes without a traditional character still
    # gets there (沈默 -> 沉默), and a plain simplified title is left as it is.
    assert prepare("沈默的羔羊").text == "沉默的羔羊"
    assert prepare("老板娘同款").text == "老板娘"


def test_full_width_digits_and_letters_are_folded() -> None:
    info = prepare("保温杯５００ＭＬ")
    assert info.text == "保温杯500ml"
    assert info.quantities["volume"] == frozenset({"500ml"})


def test_attributes_conflict_on_colour() -> None:
    ev = _evidence("连衣裙", "连衣裙", {"颜色分类": "红色"}, {"颜色分类": "黑"})
    assert ev.conflicting == ["颜色 红 ≠ 黑"]
    assert ev.features()["attr=颜色分类"] == -1.0


def test_attributes_agree_on_model_number() -> None:
    attrs = parse_pv_pairs("品牌#:#Kangnai/康奈#;#货号#:#1701")
    ev = _evidence("男士商务皮鞋", "新郎婚鞋", attrs, {"货号": "1701", "品牌": "康奈"})
    assert "货号 1701" in ev.agreeing and "品牌 康奈" in ev.agreeing


def test_different_article_numbers_are_no_conflict_but_models_are() -> None:
    """货号 is each seller's own numbering (two factories sell one product under two); 型号 is the product's."""
    articles = _evidence("马丁靴女加绒", "马丁靴女加绒", {"货号": "MD-3012"}, {"货号": "MD-2555"})
    assert not articles.conflicting
    models = _evidence("马丁靴女加绒", "马丁靴女加绒", {"型号": "MD-3012"}, {"型号": "MD-2555"})
    assert models.conflicting == ["型号 MD3012 ≠ MD2555"]


def test_quantities_and_materials_glued_to_letters_are_not_models() -> None:
    ev = _evidence(
        "车载充电器65WPC 瑜伽垫10MMNBR LED12寸", "车载充电器 65W PC 瑜伽垫 10mm NBR LED 12寸", {}, {}
    )
    assert not any(c.startswith("型号") for c in ev.conflicting)


def test_index_finds_the_right_candidate_among_distractors() -> None:
    factory = [
        prepare(t)
        for t in [
            "不锈钢保温杯500ml",
            "陶瓷马克杯350ml",
            "儿童水杯吸管杯",
            "纯棉四件套1.8m床",
            "不锈钢汤锅18cm",
        ]
    ]
    index = TitleIndex.of_texts([f.index_text for f in factory])
    queries = [prepare("304不锈钢真空保温杯 500ml").index_text, prepare("全棉床品4件套 1.8m").index_text]
    best = {q: e for q, e, _ in reversed(index.candidates(queries, top_n=2))}  # best first per query
    assert best == {0: 0, 1: 3}
    index = TitleIndex.of_texts(
        [f.index_text for f in factory] + [prepare("不锈钢保温杯500ml 真空").index_text]
    )
    found = index.candidates([prepare("不锈钢真空保温杯500ml").index_text], top_n=2)
    assert {e for q, e, _ in found} == {0, 5}


REAL_VAL_MATCH = (  # EMBER val.csv, cluster 17325
    ("新品YONEX尤尼克斯yy羽毛球鞋SHB610男女超轻专业防滑训练运动鞋", "品牌#:#YONEX/尤尼克斯#;#货号#:#SHB610"),
    (
        "新品YONEX尤尼克斯羽毛球鞋SHB610超轻防滑耐磨男/女羽毛球运动鞋",
        "品牌#:#YONEX/尤尼克斯#;#货号#:#SHB610C",
    ),
)


def test_probability_is_high_for_a_real_match() -> None:
    (ta, pa), (tb, pb) = REAL_VAL_MATCH
    p = title_probability(_evidence(ta, tb, parse_pv_pairs(pa), parse_pv_pairs(pb)))
    assert p > 0.9 and p > title_threshold()


def test_probability_is_low_when_the_size_conflicts() -> None:
    p = title_probability(_evidence("304不锈钢加厚汤锅16.5cm 家用", "304不锈钢加厚汤锅18cm 家用"))
    assert p < title_threshold()


def test_scipy_fallback_keeps_the_same_top_pairs() -> None:
    from sourcefinder.match import title_index

    index = TitleIndex.of_texts(
        [prepare(t).index_text for t in ["保温杯500ml", "马克杯350ml", "汤锅18cm", "四件套1.8m"]]
    )
    matrix = index.matrix
    queries = index.vectors(["保温杯 500ml", "汤锅 18cm"])
    fast = title_index._topn_product(queries, matrix, 2, 0.01, 1).toarray()
    plain = title_index._blocked_topn(queries, matrix, 2, 0.01).toarray()
    assert (fast.round(5) == plain.round(5)).all()
