"""Real Taobao titles (issue 14): each failure kind as a table of titles from the EMBER train pairs
(../shared/data/ali-title-pairs/train.csv) or realistic ones written the way sellers write them."""

from __future__ import annotations

import pytest

from sourcefinder.match.prepare import parse_pv_pairs, prepare
from sourcefinder.match.title_compare import compare, title_probability, title_threshold
from sourcefinder.match.title_text import brand_names


def _evidence(a: str, b: str, attrs_a: str = "", attrs_b: str = ""):
    return compare(prepare(a, parse_pv_pairs(attrs_a)), prepare(b, parse_pv_pairs(attrs_b)))


# --- sizes written as body weights and heights: a fit range, not the item's weight -------------------------


@pytest.mark.parametrize(
    ("title", "quantities"),
    [
        # train titles
        (
            "大码女装夏装200斤胖mm洋气短袖T恤女2020新款宽松显瘦百搭上衣潮",
            {"fit_weight": {"200斤"}, "type": {"t恤"}},
        ),
        (
            "加肥加大码女装胖妹妹波点拼接网纱高腰气质收腰显瘦连衣裙200斤",
            {"fit_weight": {"200斤"}, "type": {"连衣裙"}},
        ),
        (  # the wearer's height, and a letter size
            "145小个子夏季搭配女150cm矮个子百搭短袖T恤宽松短款露脐上衣XS",
            {"fit_height": {"150cm"}, "size": {"XS"}, "type": {"t恤"}},
        ),
        # realistic: the ways sellers mark a fit (the upper bound is the fit)
        ("加肥加大码连衣裙女适合200斤", {"fit_weight": {"200斤"}, "type": {"连衣裙"}}),
        ("冰丝阔腿裤女100-140斤可穿", {"fit_weight": {"140斤"}, "type": {"长裤"}}),
        ("小个子牛仔裤建议120斤内", {"fit_weight": {"120斤"}, "type": {"牛仔裤"}}),
        ("莫代尔睡衣均码80～130斤", {"fit_weight": {"130斤"}, "type": {"睡衣"}}),
        ("孕妇打底裤建议体重45-60kg", {"fit_weight": {"120斤"}, "type": {"打底裤"}}),
        ("汉服襦裙身高155cm可穿", {"fit_height": {"155cm"}}),
        # an item's own weight stays a weight: small, or marked as the item's (净重, 装)
        ("五常大米5斤装", {"weight": {"2500g"}}),
        ("新疆灰枣净重3斤", {"weight": {"1500g"}}),
        ("哑铃100斤装组合", {"weight": {"50000g"}}),
        ("重磅260g纯棉短袖T恤男", {"weight": {"260g"}, "type": {"t恤"}}),
        ("裙长100cm半身裙", {"length": {"1000mm"}, "type": {"半身裙"}}),
    ],
)
def test_body_weights_and_heights_are_fit_ranges(title: str, quantities: dict) -> None:
    assert {dim: set(values) for dim, values in prepare(title).quantities.items()} == quantities


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        # two fit ranges that differ: a size conflict
        ("加大码女装连衣裙200斤胖mm", "加大码女装连衣裙150斤胖mm", "适合体重 200斤 ≠ 150斤"),
        ("小个子阔腿裤身高150cm可穿", "小个子阔腿裤身高165cm可穿", "适合身高 150cm ≠ 165cm"),
        # the same fit written two ways agrees
        ("冰丝阔腿裤女100-140斤可穿", "冰丝阔腿裤女建议140斤以内", None),
        # a fit range never conflicts with the item's own weight (fabric weight, net weight)
        ("重磅300g纯棉T恤女200斤可穿", "重磅300g纯棉T恤女", None),
        ("加绒卫衣女克重600g", "加绒卫衣女200斤", None),
    ],
)
def test_fit_ranges_conflict_as_sizes_never_with_the_items_weight(
    a: str, b: str, conflict: str | None
) -> None:
    ev = _evidence(a, b)
    assert ev.conflicting == ([conflict] if conflict else [])
    assert ev.features()["quantity_conflict"] == 0
    assert ev.features()["size_conflict"] == (1 if conflict else 0)


# --- attribute words are not brands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "brands"),
    [
        ("Kangnai/康奈", {"kangnai", "康奈"}),
        ("高腰", set()),  # a train listing's 品牌 (its 腰型 is 高腰 too): a word that describes the item
        ("韩版", set()),
        ("加厚", set()),
        ("宽松", set()),
        ("双潮（服饰）", {"双潮"}),  # the class Taobao's brand registry files the brand under
        ("诗佳秀（服饰）", {"诗佳秀"}),
        ("ZXL/设计师品牌", {"zxl"}),  # "designer brand", "own brand", "other brand" name none
        ("自主品牌", set()),
        ("other其他", set()),
        ("见描述", set()),
        ("004", set()),
    ],
)
def test_brand_values(value: str, brands: set[str]) -> None:
    assert set(brand_names(value)) == brands


@pytest.mark.parametrize(
    ("title", "attributes", "brands"),
    [
        (  # train: 品牌 高腰, and 高腰 in the title
            "拖地牛仔裤女2020夏季薄款新款宽松休闲阔腿裤学生长裤女泫雅高腰",
            "厚薄#:#薄款#;#品牌#:#高腰#;#腰型#:#高腰",
            set(),
        ),
        ("高腰牛仔裤女宽松直筒加厚韩版", "", set()),
        ("悠伦太空棉卫衣女秋冬圆领女装上衣", "品牌#:#悠伦（服饰）#;#厚薄#:#加厚", {"悠伦"}),
        ("JEEP/吉普秋冬男装 时尚条纹V领纯羊毛背心百搭保暖坎肩", "", {"jeep", "吉普"}),  # train
    ],
)
def test_attribute_words_are_not_brands(title: str, attributes: str, brands: set[str]) -> None:
    assert set(prepare(title, parse_pv_pairs(attributes)).brands) == brands


def test_two_high_waisted_jeans_do_not_agree_on_a_brand() -> None:
    ev = _evidence("高腰牛仔裤女宽松直筒", "高腰牛仔裤女小脚显瘦", "品牌#:#高腰", "腰型#:#高腰")
    assert ev.features()["brand_agree"] == 0 and not any(s.startswith("品牌") for s in ev.agreeing)


# --- noun-swapped titles: the same words around another head noun ------------------------------------------


@pytest.mark.parametrize(
    ("title", "types"),
    [
        ("T恤连衣裙女夏宽松中长款", {"连衣裙"}),  # a type word right before another modifies it
        ("高腰半身裙A字裙", {"半身裙"}),
        ("毛衣开衫女秋冬", {"毛衣"}),  # 开衫 alone is a knit, a sweatshirt or a track top: no type
        ("iPhone12手机壳硅胶", {"手机壳"}),
        ("iPhone12钢化膜全屏", {"手机膜"}),
        ("回力2020秋季小白女鞋网红ins潮2020新款运动百搭爆款学生老爹鞋", {"运动鞋"}),  # train
        (  # train: a title that names three kinds agrees with each
            "秋冬款加绒加厚打底裤外穿假两件裙裤200斤胖mm大码修身小脚裤女",
            {"长裤", "打底裤", "半身裙"},
        ),
        ("2020新款女装春秋套装", set()),  # broad words name no type
        ("全棉被套单件200x230cm", {"被套"}),
        ("纯棉被套床单四件套1.8m床", set()),  # a set's title lists the nouns of its parts
        ("卫衣运动套装女春秋两件套", set()),
    ],
)
def test_product_types_are_the_head_nouns(title: str, types: set[str]) -> None:
    assert set(prepare(title).quantities.get("type", ())) == types


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # realistic: the same words around another head noun
        ("2020夏季新款雪纺碎花连衣裙女中长款显瘦", "2020夏季新款雪纺碎花半身裙女中长款显瘦"),
        ("iPhone12手机壳透明硅胶全包防摔", "iPhone12手机膜透明钢化全包防摔"),
        ("韩版宽松纯棉短袖T恤女2020夏季新款", "韩版宽松纯棉短袖衬衫女2020夏季新款"),
        # train: one seller's slippers and sandals
        (
            "Hotwind/热风黑色拖鞋女人字拖夹脚拖2020夏季新款百搭度假沙滩拖",
            "Hotwind/热风黑色时装凉鞋女2020年新款仙女风夏季夹脚平底鞋百搭",
        ),
    ],
)
def test_noun_swapped_titles_conflict_on_the_type(a: str, b: str) -> None:
    ev = _evidence(a, b)
    assert ev.features()["type_conflict"] == 1
    assert any(s.startswith("品类") for s in ev.conflicting)
    assert title_probability(ev) < title_threshold()


def test_one_type_named_two_ways_agrees() -> None:
    ev = _evidence("春秋新款休闲裤女宽松阔腿裤", "春秋新款休闲长裤女宽松")
    assert ev.features()["type_agree"] == 1 and ev.features()["type_conflict"] == 0


# --- same type of product, another brand or model -----------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "attrs_a", "b", "attrs_b", "feature"),
    [
        (  # train: two sellers' white trainers
            "官方正品帕耐克丝春秋鞋子男潮鞋小白鞋男士休闲鞋韩版百搭学生",
            "品牌#:#帕耐克丝",
            "男鞋子夏季潮鞋韩版潮流男士休闲鞋黑色百搭板鞋学生帆布鞋",
            "品牌#:#朗宾顿",
            "brand_conflict",
        ),
        (  # train: one brand's jumper, another brand's
            "森马2020秋季新款针织打底衫韩版宽松外穿套头慵懒风毛衣女甜美潮",
            "品牌#:#Semir/森马",
            "毛衣2020年新款女水貂绒毛衣外套女短款套头慵懒风毛衣女宽松外穿",
            "品牌#:#大象家小象",
            "brand_conflict",
        ),
        (  # a train title, and the same with another model of the line
            "2020新品尤尼克斯羽毛球鞋男女同款超轻专业防滑训练运动鞋SHB610",
            "品牌#:#YONEX/尤尼克斯",
            "2020新品尤尼克斯羽毛球鞋男女同款超轻专业防滑训练运动鞋SHB650",
            "品牌#:#YONEX/尤尼克斯",
            "model_conflict",
        ),
    ],
)
def test_same_type_another_brand_or_model(a: str, attrs_a: str, b: str, attrs_b: str, feature: str) -> None:
    ev = _evidence(a, b, attrs_a, attrs_b)
    assert ev.features()[feature] == 1
    assert title_probability(ev) < title_threshold()
