"""The product kinds, colours, places and words the demo marketplace is generated from.

Everything here is data: the generator (generator.py) reads it, and its shapes name designs.SHAPES.
The words, places and price levels follow what 1688 and Taobao show for these goods.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelLine:
    """How an English-titled kind's model codes are made: letters, the variant's number, letters (PD65C)."""

    prefixes: tuple[str, ...]
    tails: tuple[str, ...]
    numbers: dict[str, str]  # variant (the kind's size) -> its number in the code: "65W" -> "65"


@dataclass(frozen=True)
class Kind:
    """One kind of product (e.g. porcelain spoon) as factories list it."""

    key: str
    category: str
    noun: str
    synonyms: tuple[str, ...]
    words: tuple[str, ...]
    shape: str
    sizes: tuple[str, ...]
    size_attr: str
    colours: tuple[str, ...]
    materials: tuple[str, ...]
    places: tuple[tuple[str, str], ...]
    price: tuple[float, float]
    unit: str
    industry: str
    code: str
    # Boots list every size in one offer; the other kinds sell one size (spec) per offer.
    multi_size: bool = False
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # English-titled kinds (export listings, english_kinds.py) carry model codes; noun, synonyms and words are English.
    line: ModelLine | None = None


# fmt: off
KINDS: tuple[Kind, ...] = (
    Kind(
        "spoon", "餐具", "陶瓷勺子", ("陶瓷汤勺", "陶瓷调羹", "汤匙"),
        ("家用", "长柄", "日式", "釉下彩", "喝汤", "餐厅", "高颜值", "小勺子"),
        "spoon", ("13.5cm", "16.5cm", "18cm"), "规格",
        ("白色", "米黄色", "墨绿色", "雾蓝色", "粉色", "黑色"), ("陶瓷", "骨瓷"),
        (("广东", "潮州"), ("江西", "景德镇")), (0.9, 3.5), "个", "陶瓷制品", "CZ",
        extra={"风格": ("日式", "北欧", "简约", "复古")},
    ),
    Kind(
        "bowl", "餐具", "陶瓷碗", ("饭碗", "汤碗", "陶瓷面碗"),
        ("家用", "日式", "釉下彩", "吃饭", "创意", "北欧", "单个", "碗碟"),
        "bowl", ("4.5英寸", "6英寸", "8英寸"), "规格",
        ("白色", "米黄色", "雾蓝色", "墨绿色", "黑色", "粉色"), ("陶瓷", "骨瓷"),
        (("广东", "潮州"), ("江西", "景德镇"), ("河北", "唐山")), (2.5, 9.0), "个", "陶瓷制品", "CW",
        extra={"风格": ("日式", "北欧", "简约", "中式")},
    ),
    Kind(
        "plate", "餐具", "陶瓷盘子", ("菜盘", "西餐盘", "平盘"),
        ("家用", "北欧", "创意", "西餐", "牛排盘", "圆形", "餐盘", "菜碟"),
        "plate", ("8英寸", "10英寸"), "规格",
        ("白色", "米黄色", "雾蓝色", "墨绿色", "黑色"), ("陶瓷", "骨瓷"),
        (("广东", "潮州"), ("江西", "景德镇"), ("山东", "淄博")), (3.5, 12.0), "个", "陶瓷制品", "CP",
        extra={"风格": ("北欧", "简约", "日式")},
    ),
    Kind(
        "bedding", "床上用品", "四件套", ("床上四件套", "被套床单四件套", "床品套件"),
        ("纯棉", "全棉", "磨毛", "水洗棉", "宿舍", "ins风", "被套", "床单", "简约"),
        "bedding", ("1.5m床", "1.8m床", "2.0m床"), "尺码",
        ("灰色", "粉色", "雾蓝色", "米黄色", "墨绿色", "卡其色"), ("纯棉", "磨毛", "水洗棉"),
        (("江苏", "南通"), ("浙江", "绍兴")), (45.0, 120.0), "套", "家纺", "SJ",
        extra={"图案": ("条纹", "格子", "纯色", "碎花"), "适用季节": ("四季通用", "春秋")},
    ),
    Kind(
        "boots", "鞋靴", "马丁靴", ("短靴", "英伦靴", "机车靴"),
        ("女", "真皮", "厚底", "英伦风", "加绒", "秋冬", "百搭", "短筒"),
        "boot", ("35", "36", "37", "38", "39", "40"), "尺码",
        ("黑色", "棕色", "卡其色", "米白色", "酒红色"), ("头层牛皮", "PU", "二层牛皮"),
        (("浙江", "温州"), ("广东", "东莞"), ("福建", "泉州")), (38.0, 95.0), "双", "鞋业", "MD",
        multi_size=True,
        extra={"鞋头款式": ("圆头", "方头"), "闭合方式": ("系带", "侧拉链")},
    ),
    Kind(
        "ring_light", "摄影配件", "补光灯", ("直播补光灯", "美颜灯", "环形灯"),
        ("直播", "美颜", "LED", "环形", "手机支架", "自拍", "落地", "桌面"),
        "ring_light", ("10寸", "12寸", "18寸"), "规格",
        ("黑色", "白色", "粉色"), ("ABS", "铝合金"),
        (("广东", "深圳"), ("广东", "中山")), (12.0, 48.0), "个", "摄影器材", "BG",
        extra={"供电方式": ("USB供电", "插电")},
    ),
    Kind(
        "tripod", "摄影配件", "三脚架", ("手机三脚架", "相机支架", "落地支架"),
        ("手机", "相机", "便携", "直播", "铝合金", "伸缩", "自拍", "落地"),
        "tripod", ("1.6m", "2.1m"), "规格",
        ("黑色", "白色", "银色"), ("铝合金", "ABS"),
        (("广东", "深圳"), ("浙江", "宁波")), (15.0, 55.0), "个", "摄影器材", "SJJ",
        extra={"节数": ("3节", "4节")},
    ),
    Kind(
        "phone_holder", "汽车用品", "车载手机支架", ("汽车手机支架", "车载导航支架", "出风口支架"),
        ("出风口", "汽车", "导航", "重力", "万能", "通用", "车用", "卡扣式"),
        "phone_holder", ("标准款", "加长款"), "规格",
        ("黑色", "银色", "红色"), ("ABS", "铝合金"),
        (("广东", "深圳"), ("广东", "东莞"), ("浙江", "义乌")), (4.5, 16.0), "个", "汽车用品", "ZJ",
        extra={"安装方式": ("出风口", "吸盘式", "仪表台")},
    ),
    Kind(
        "car_charger", "汽车用品", "车载充电器", ("车充", "点烟器充电器", "汽车充电器"),
        ("快充", "PD", "双口", "一拖二", "点烟器", "汽车", "车用", "USB"),
        "car_charger", ("20W", "30W", "65W"), "功率",
        ("黑色", "银色", "白色"), ("铝合金", "ABS"),
        (("广东", "深圳"), ("广东", "东莞")), (6.0, 22.0), "个", "电子科技", "CC",
        extra={"接口": ("USB+Type-C", "双Type-C")},
    ),
    Kind(
        "yoga_mat", "运动户外", "瑜伽垫", ("健身垫", "瑜珈垫", "运动地垫"),
        ("加厚", "加宽", "防滑", "TPE", "家用", "健身", "初学者", "双面"),
        "mat_roll", ("6mm", "10mm"), "厚度",
        ("紫色", "粉色", "雾蓝色", "墨绿色", "灰色", "橙色"), ("TPE", "NBR", "PVC"),
        (("江苏", "常州"), ("浙江", "宁波"), ("浙江", "义乌")), (12.0, 38.0), "张", "体育用品", "YJ",
        extra={"尺寸": ("183*61cm", "185*80cm")},
    ),
    Kind(
        "jump_rope", "运动户外", "跳绳", ("计数跳绳", "钢丝跳绳", "健身跳绳"),
        ("计数", "负重", "中考", "学生", "成人", "钢丝", "专业", "减肥"),
        "rope", ("2.8m", "3m"), "规格",
        ("黑色", "粉色", "雾蓝色", "橙色", "红色"), ("PVC", "钢丝"),
        (("浙江", "金华"), ("浙江", "义乌"), ("河北", "沧州")), (3.5, 18.0), "根", "体育用品", "TS",
        extra={"适用人群": ("学生", "成人", "通用")},
    ),
    Kind(
        "cable", "数码配件", "数据线", ("充电线", "快充线", "手机充电线"),
        ("快充", "Type-C", "编织", "苹果", "安卓", "适用", "PD", "加长"),
        "cable_coil", ("1m", "1.5m", "2m"), "长度",
        ("白色", "黑色", "红色", "雾蓝色", "粉色"), ("TPE", "尼龙编织"),
        (("广东", "深圳"), ("广东", "东莞")), (1.5, 9.0), "条", "数码科技", "SJX",
        extra={"接口": ("Type-C", "Lightning", "三合一")},
    ),
    Kind(
        "charger", "数码配件", "充电头", ("充电器", "快充头", "氮化镓充电器"),
        ("快充", "PD", "氮化镓", "适用", "苹果", "安卓", "多口", "插头"),
        "charger_brick", ("20W", "33W", "65W"), "功率",
        ("白色", "黑色", "粉色"), ("PC阻燃", "ABS"),
        (("广东", "深圳"), ("广东", "东莞")), (5.0, 35.0), "个", "数码科技", "CDT",
        extra={"接口": ("USB+Type-C", "Type-C")},
    ),
)
# fmt: on

KIND_BY_KEY = {kind.key: kind for kind in KINDS}

COLOURS: dict[str, tuple[int, int, int]] = {
    "白色": (236, 236, 230),
    "米白色": (232, 222, 200),
    "米黄色": (226, 205, 150),
    "黑色": (38, 38, 42),
    "灰色": (140, 142, 146),
    "银色": (178, 182, 188),
    "墨绿色": (44, 90, 66),
    "雾蓝色": (112, 146, 178),
    "粉色": (232, 158, 172),
    "红色": (196, 42, 48),
    "酒红色": (128, 30, 44),
    "棕色": (118, 76, 46),
    "卡其色": (190, 158, 108),
    "紫色": (140, 96, 178),
    "橙色": (236, 128, 48),
}

ACCENTS: tuple[tuple[int, int, int], ...] = (
    (214, 64, 58),
    (40, 110, 170),
    (232, 186, 60),
    (60, 150, 110),
    (120, 70, 150),
    (250, 250, 245),
    (30, 30, 34),
    (200, 120, 60),
    (90, 170, 200),
    (220, 120, 160),
)

PATTERNS = ("plain", "stripes", "dots", "checks", "flowers", "waves", "band")

# Retail shops: name parts with the Latin handle used in photo watermarks; suffixes say if it is a Tmall shop.
# fmt: off
SHOP_PREFIXES: tuple[tuple[str, str], ...] = (
    ("小美", "xiaomei"), ("优品", "youpin"), ("简约", "jianyue"), ("木子", "muzi"), ("悦居", "yueju"),
    ("乐享", "lexiang"), ("拾光", "shiguang"), ("米兰", "milan"), ("橙子", "chengzi"), ("北欧", "beiou"),
    ("潮玩", "chaowan"), ("酷动", "kudong"), ("星辰", "xingchen"), ("半夏", "banxia"), ("初见", "chujian"),
    ("花间", "huajian"), ("暖阳", "nuanyang"), ("青柠", "qingning"), ("鹿角", "lujiao"), ("一禾", "yihe"),
    ("南风", "nanfeng"), ("森屿", "senyu"), ("小熊", "xiaoxiong"), ("极客", "jike"), ("好物", "haowu"),
)
SHOP_SUFFIXES: tuple[tuple[str, str, bool], ...] = (
    ("家居馆", "home", False), ("生活馆", "life", False), ("百货店", "store", False), ("小铺", "shop", False),
    ("严选", "select", False), ("工作室", "studio", False), ("优选店", "pick", False),
    ("旗舰店", "official", True), ("专营店", "mall", True), ("数码店", "digital", False),
)
# fmt: on
# Words in factory company names, with the Latin form factories stamp on re-posted photos.
COMPANY_WORDS: tuple[tuple[str, str], ...] = (
    ("瑞丰", "RUIFENG"),
    ("鑫源", "XINYUAN"),
    ("恒达", "HENGDA"),
    ("佳美", "JIAMEI"),
    ("宏利", "HONGLI"),
    ("锦程", "JINCHENG"),
    ("华盛", "HUASHENG"),
    ("永泰", "YONGTAI"),
    ("德诚", "DECHENG"),
    ("顺发", "SHUNFA"),
    ("美途", "MEITU"),
    ("优创", "YOUCHUANG"),
    ("众诚", "ZHONGCHENG"),
    ("天艺", "TIANYI"),
    ("金诺", "JINNUO"),
    ("汇通", "HUITONG"),
    ("盛源", "SHENGYUAN"),
    ("新雅", "XINYA"),
    ("博远", "BOYUAN"),
    ("立信", "LIXIN"),
)
FACTORY_PREFIXES = ("厂家直销", "源头工厂", "工厂批发", "现货批发", "跨境", "热卖")
FACTORY_SUFFIXES = ("批发", "一件代发", "现货速发", "可定制logo", "跨境专供", "工厂直供")
FACTORY_LABELS = ("一件代发", "48小时发货", "7天无理由", "混批")
RETAIL_STUFFING = (
    "新款",
    "包邮",
    "网红同款",
    "ins风",
    "2024",
    "爆款",
    "抖音同款",
    "高颜值",
    "热卖",
    "正品",
    "特价",
)
RETAIL_PLACES: tuple[tuple[str, str], ...] = (
    ("浙江", "杭州"),
    ("上海", ""),
    ("广东", "广州"),
    ("江苏", "苏州"),
    ("福建", "厦门"),
    ("北京", ""),
    ("浙江", "金华"),
    ("山东", "临沂"),
    ("河北", "保定"),
    ("湖北", "武汉"),
)
# Words only found on listings that nobody on the factory site sells (retail items without a source).
UNSOURCED_WORDS = ("限定", "设计师款", "原创", "手工", "定制", "联名", "小众", "复古风")
