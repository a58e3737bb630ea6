"""English-titled products with model numbers, as 1688 export listings and their resellers write them.

Everything here is data (the generator and titles.py read it): six kinds of electronics and hardware whose
factory titles are English with a model code (``VOLTEK PD65C 65W GaN USB C Charger ...``), the brands,
stuffing words and colour names of such titles. A kind's sizes are the variants a product line comes in
(20W/65W, 10000mAh/20000mAh, 2-pack/4-pack); each variant has its own model code (``ModelLine``).
"""

from __future__ import annotations

from sourcefinder.demo.kinds import Kind, ModelLine

_SHENZHEN = (("广东", "深圳"), ("广东", "东莞"))

# fmt: off
ENGLISH_KINDS: tuple[Kind, ...] = (
    Kind(
        "usb_c_charger", "数码配件", "USB C Charger",
        ("Fast Charger", "Wall Charger", "GaN Charger", "Charging Adapter", "Type C Charger"),
        ("GaN", "PD 3.0", "Fast Charging", "Foldable Plug", "for iPhone 15", "for Laptop", "Dual Port", "QC 4.0"),
        "charger_brick", ("20W", "35W", "65W", "100W"), "功率",
        ("白色", "黑色", "灰色"), ("PC阻燃", "ABS"), _SHENZHEN, (9.0, 45.0), "个", "电子科技", "CDQ",
        extra={"接口": ("USB-C", "USB-C+USB-A", "2C1A")},
        line=ModelLine(("PD", "GN", "Q", "A"), ("C", "S", "Pro", "T"), {"20W": "20", "35W": "35", "65W": "65", "100W": "100"}),
    ),
    Kind(
        "power_bank", "数码配件", "Power Bank",
        ("Portable Charger", "Battery Pack", "External Battery", "Powerbank"),
        ("Fast Charging", "PD 20W", "LED Display", "Slim", "USB C", "Magnetic", "Wireless", "for iPhone Samsung"),
        "power_bank", ("5000mAh", "10000mAh", "20000mAh", "30000mAh"), "容量",
        ("黑色", "白色", "粉色", "雾蓝色"), ("ABS", "铝合金"), _SHENZHEN, (25.0, 90.0), "个", "电子科技", "YDY",
        extra={"电芯类型": ("聚合物锂电池", "18650锂电池")},
        line=ModelLine(("PB", "P", "MP", "K"), ("", "S", "Pro", "Max"), {"5000mAh": "5", "10000mAh": "10", "20000mAh": "20", "30000mAh": "30"}),
    ),
    Kind(
        "earbuds", "数码配件", "Wireless Earbuds",
        ("TWS Earphones", "Bluetooth Headphones", "Bluetooth Earbuds", "True Wireless Earbuds"),
        ("Bluetooth 5.3", "ENC Noise Cancelling", "Touch Control", "Waterproof", "Sports", "Deep Bass", "HiFi Stereo"),
        "earbuds", ("30H Playtime", "40H Playtime", "60H Playtime"), "续航时间",
        ("白色", "黑色", "粉色"), ("ABS",), _SHENZHEN, (18.0, 60.0), "副", "电子科技", "EJ",
        extra={"蓝牙版本": ("5.3", "5.4")},
        line=ModelLine(("T", "A", "TWS", "E", "M"), ("", "Pro", "S", "Max"), {"30H Playtime": "30", "40H Playtime": "40", "60H Playtime": "60"}),
    ),
    Kind(
        "led_bulb", "照明", "LED Bulb",
        ("LED Light Bulb", "LED Bulbs", "Energy Saving Bulb", "A19 Bulb"),
        ("E27", "9W", "Warm White", "Daylight 6500K", "60W Equivalent", "Non-Dimmable", "Energy Saving", "Home"),
        "bulb", ("2-Pack", "4-Pack", "6-Pack", "10-Pack"), "数量",
        ("白色", "米白色", "银色"), ("PC", "铝"), (("广东", "中山"), ("浙江", "宁波")), (6.0, 30.0), "盒", "照明电器", "DP",
        extra={"灯头": ("E27", "E14", "B22")},
        line=ModelLine(("LB9", "A60", "BL", "LD"), ("", "W", "S"), {"2-Pack": "02", "4-Pack": "04", "6-Pack": "06", "10-Pack": "10"}),
    ),
    Kind(
        "cordless_drill", "五金工具", "Cordless Drill",
        ("Electric Drill", "Power Drill", "Drill Driver", "Cordless Screwdriver"),
        ("Brushless", "Lithium Battery", "2 Speed", "Impact", "with Charger", "Tool Kit", "LED Light", "25+1 Torque"),
        "drill", ("12V", "16.8V", "21V"), "电压",
        ("黑色", "橙色", "雾蓝色", "红色"), ("ABS", "金属"), (("浙江", "永康"), ("浙江", "金华"), ("江苏", "南通")),
        (60.0, 180.0), "台", "电动工具", "DZ",
        extra={"电池数量": ("1电1充", "2电1充")},
        line=ModelLine(("CD", "DD", "LD", "BL"), ("", "X", "Pro", "B"), {"12V": "12", "16.8V": "16", "21V": "21"}),
    ),
    Kind(
        "phone_case", "手机配件", "Phone Case",
        ("Protective Cover", "Shockproof Case", "Clear Case", "Silicone Case"),
        ("Shockproof", "Magnetic", "MagSafe Compatible", "Slim", "Anti-Scratch", "Soft TPU", "Camera Protection"),
        "phone_case", ("iPhone 15", "iPhone 15 Pro", "iPhone 15 Pro Max"), "适用型号",
        ("黑色", "粉色", "雾蓝色", "紫色", "墨绿色"), ("TPU", "硅胶", "PC"), _SHENZHEN, (2.5, 12.0), "个", "数码科技", "SJK",
        line=ModelLine(("IP", "MC", "PC", "SC"), ("", "M", "S", "K"), {"iPhone 15": "1510", "iPhone 15 Pro": "1520", "iPhone 15 Pro Max": "1530"}),
    ),
)
# fmt: on

# Brands of export goods (made up, shaped like the real ones); a factory's line carries one.
BRANDS = (
    "VOLTEK", "Amplux", "NEXPOW", "Kuken", "ZENOVA", "Brixel", "LUMIRA", "TORQX", "Orivo", "SOUNDEK",
    "Casemix", "HOCOLA", "Yoobao", "KINGLUX", "Powerway",
)  # fmt: skip
# English colour names and the suffix codes resellers glue to a model code (PD65C-WH).
COLOUR_NAMES: dict[str, tuple[str, str]] = {
    "白色": ("White", "WH"),
    "米白色": ("Warm White", "WW"),
    "黑色": ("Black", "BK"),
    "灰色": ("Grey", "GY"),
    "银色": ("Silver", "SL"),
    "粉色": ("Pink", "PK"),
    "雾蓝色": ("Blue", "BL"),
    "紫色": ("Purple", "PU"),
    "墨绿色": ("Green", "GN"),
    "橙色": ("Orange", "OR"),
    "红色": ("Red", "RD"),
}
FACTORY_PREFIXES = ("2024 New", "Hot Sale", "Factory Direct", "Wholesale", "New Arrival", "Best Selling")
FACTORY_SUFFIXES = ("Wholesale", "OEM ODM", "Custom Logo", "Factory Price", "Dropshipping", "Free Sample")
RETAIL_STUFFING = (
    "2024 New", "Hot Sale", "Free Shipping", "Original", "Fast Delivery", "Best Price", "Upgraded", "Top Rated",
)  # fmt: skip
# Words only on English listings that no factory here sells.
UNSOURCED_WORDS = ("Limited Edition", "Designer", "Original Design", "Retro Style", "Handmade", "Collector's")
