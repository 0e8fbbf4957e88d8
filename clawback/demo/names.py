"""Data tables for the synthetic demo portfolio: names, places, institutions, memos.

Everything here is plain data (tuples), so the generator stays readable and the tables can be
reviewed on their own. Place codes are real-looking PRC administrative division codes; companies
other than banks, hospitals and well-known merchants are invented.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "AREAS",
    "CN_BANKS",
    "CN_CAR_MODELS",
    "CN_CITIES",
    "CN_COMMUNITIES",
    "CN_GIVEN_NAMES",
    "CN_INDUSTRIES",
    "CN_MOBILE_PREFIXES",
    "CN_NATIONAL_MERCHANTS",
    "CN_PAYMENT_APPS",
    "CN_ROADS",
    "CN_SCHOOL_NAMES",
    "CN_SECURITIES",
    "CN_SURNAMES",
    "CN_TOWNS",
    "CN_TRADE_NAMES",
    "CN_VILLAGES",
    "HOMETOWN_WEIGHTS",
    "MEMOS",
    "SZ_ROADS",
    "US_BANKS",
    "US_CAR_MODELS",
    "US_CITIES",
    "US_FIRST_NAMES",
    "US_INDUSTRIES",
    "US_MERCHANTS",
    "US_PAYMENT_APPS",
    "US_STREETS",
    "US_STREET_SUFFIXES",
    "US_SURNAMES",
    "US_UTILITIES",
    "Area",
    "CnCity",
    "UsCity",
]


class Area(NamedTuple):
    """A county-level PRC administrative division."""

    code: int  # 6-digit division code, the first six digits of a resident ID number
    province: str  # "" for the four municipalities (the city name already says it)
    city: str
    district: str
    rural: bool  # county or county-level city: addresses are often "X镇Y村N号"
    deed_prefix: str  # one-character province abbreviation used on title deeds and plates


#: County-level divisions used for birthplaces, hometowns and residences.
AREAS: tuple[Area, ...] = (
    # Shenzhen (CN-SZ cases live here)
    Area(440303, "广东省", "深圳市", "罗湖区", False, "粤"),
    Area(440304, "广东省", "深圳市", "福田区", False, "粤"),
    Area(440305, "广东省", "深圳市", "南山区", False, "粤"),
    Area(440306, "广东省", "深圳市", "宝安区", False, "粤"),
    Area(440307, "广东省", "深圳市", "龙岗区", False, "粤"),
    Area(440308, "广东省", "深圳市", "盐田区", False, "粤"),
    Area(440309, "广东省", "深圳市", "龙华区", False, "粤"),
    Area(440310, "广东省", "深圳市", "坪山区", False, "粤"),
    Area(440311, "广东省", "深圳市", "光明区", False, "粤"),
    # Other large cities (CN cases live here)
    Area(110105, "", "北京市", "朝阳区", False, "京"),
    Area(110108, "", "北京市", "海淀区", False, "京"),
    Area(110106, "", "北京市", "丰台区", False, "京"),
    Area(310115, "", "上海市", "浦东新区", False, "沪"),
    Area(310104, "", "上海市", "徐汇区", False, "沪"),
    Area(310112, "", "上海市", "闵行区", False, "沪"),
    Area(440106, "广东省", "广州市", "天河区", False, "粤"),
    Area(440105, "广东省", "广州市", "海珠区", False, "粤"),
    Area(440111, "广东省", "广州市", "白云区", False, "粤"),
    Area(330106, "浙江省", "杭州市", "西湖区", False, "浙"),
    Area(330108, "浙江省", "杭州市", "滨江区", False, "浙"),
    Area(510107, "四川省", "成都市", "武侯区", False, "川"),
    Area(510104, "四川省", "成都市", "锦江区", False, "川"),
    Area(420106, "湖北省", "武汉市", "武昌区", False, "鄂"),
    Area(420111, "湖北省", "武汉市", "洪山区", False, "鄂"),
    Area(430104, "湖南省", "长沙市", "岳麓区", False, "湘"),
    Area(430102, "湖南省", "长沙市", "芙蓉区", False, "湘"),
    Area(320106, "江苏省", "南京市", "鼓楼区", False, "苏"),
    Area(610113, "陕西省", "西安市", "雁塔区", False, "陕"),
    Area(410105, "河南省", "郑州市", "金水区", False, "豫"),
    Area(350203, "福建省", "厦门市", "思明区", False, "闽"),
    # Hometowns (typical origins of Shenzhen's residents)
    Area(440513, "广东省", "汕头市", "潮阳区", False, "粤"),
    Area(445102, "广东省", "潮州市", "湘桥区", False, "粤"),
    Area(445281, "广东省", "揭阳市", "普宁市", True, "粤"),
    Area(441581, "广东省", "汕尾市", "陆丰市", True, "粤"),
    Area(441423, "广东省", "梅州市", "丰顺县", True, "粤"),
    Area(441481, "广东省", "梅州市", "兴宁市", True, "粤"),
    Area(440882, "广东省", "湛江市", "雷州市", True, "粤"),
    Area(440981, "广东省", "茂名市", "高州市", True, "粤"),
    Area(441622, "广东省", "河源市", "龙川县", True, "粤"),
    Area(430582, "湖南省", "邵阳市", "邵东市", True, "湘"),
    Area(431021, "湖南省", "郴州市", "桂阳县", True, "湘"),
    Area(430623, "湖南省", "岳阳市", "华容县", True, "湘"),
    Area(430482, "湖南省", "衡阳市", "常宁市", True, "湘"),
    Area(360732, "江西省", "赣州市", "兴国县", True, "赣"),
    Area(360781, "江西省", "赣州市", "瑞金市", True, "赣"),
    Area(450881, "广西壮族自治区", "贵港市", "桂平市", True, "桂"),
    Area(450981, "广西壮族自治区", "玉林市", "北流市", True, "桂"),
    Area(511621, "四川省", "广安市", "岳池县", True, "川"),
    Area(510623, "四川省", "德阳市", "中江县", True, "川"),
    Area(421127, "湖北省", "黄冈市", "黄梅县", True, "鄂"),
    Area(411521, "河南省", "信阳市", "罗山县", True, "豫"),
    Area(411722, "河南省", "驻马店市", "上蔡县", True, "豫"),
    Area(350583, "福建省", "泉州市", "南安市", True, "闽"),
    Area(500101, "", "重庆市", "万州区", False, "渝"),
    Area(500230, "", "重庆市", "丰都县", True, "渝"),
    Area(340826, "安徽省", "安庆市", "宿松县", True, "皖"),
    Area(330382, "浙江省", "温州市", "乐清市", True, "浙"),
    Area(321281, "江苏省", "泰州市", "兴化市", True, "苏"),
    Area(371321, "山东省", "临沂市", "沂南县", True, "鲁"),
)


def _area_weight(area: Area) -> float:
    if area.city == "深圳市":
        return 0.6
    if area.rural:
        return 3.0
    return 1.0


#: Relative frequency of each AREAS entry as a birthplace of a Shenzhen resident's parents.
HOMETOWN_WEIGHTS: tuple[float, ...] = tuple(_area_weight(a) for a in AREAS)


class CnCity(NamedTuple):
    """A PRC city where debtors live, with its courts, hospitals and price levels."""

    name: str
    plate: str  # licence-plate prefix
    district_codes: tuple[int, ...]
    courts: tuple[str, ...]  # local people's courts for enforcement and civil cases
    hospitals: tuple[str, ...]
    utilities: tuple[str, ...]
    rent: float  # typical monthly rent of a family flat, CNY
    flat_price: float  # typical price per square metre, CNY
    salary: float  # median monthly salary of a debtor, CNY


CN_CITIES: tuple[CnCity, ...] = (
    CnCity(
        "深圳市", "粤B", (440303, 440304, 440305, 440306, 440307, 440308, 440309, 440310, 440311),
        ("深圳市中级人民法院", "深圳破产法庭"),
        ("深圳市人民医院", "北京大学深圳医院", "香港大学深圳医院", "深圳市第二人民医院",
         "南方医科大学深圳医院", "中山大学附属第七医院", "深圳市儿童医院", "深圳市中医院",
         "深圳市宝安区人民医院", "深圳市龙岗区人民医院"),
        ("深圳供电局有限公司", "深圳市水务（集团）有限公司", "深圳市燃气集团股份有限公司"),
        5200.0, 62000.0, 12500.0,
    ),
    CnCity(
        "北京市", "京Q", (110105, 110108, 110106),
        ("北京市朝阳区人民法院", "北京市海淀区人民法院", "北京市丰台区人民法院"),
        ("北京协和医院", "北京大学第一医院", "中日友好医院", "北京朝阳医院"),
        ("国网北京市电力公司", "北京市自来水集团有限责任公司"),
        5500.0, 65000.0, 12000.0,
    ),
    CnCity(
        "上海市", "沪A", (310115, 310104, 310112),
        ("上海市浦东新区人民法院", "上海市徐汇区人民法院", "上海市闵行区人民法院"),
        ("复旦大学附属中山医院", "上海交通大学医学院附属瑞金医院", "复旦大学附属华山医院"),
        ("国网上海市电力公司", "上海城投水务（集团）有限公司"),
        5800.0, 68000.0, 12500.0,
    ),
    CnCity(
        "广州市", "粤A", (440106, 440105, 440111),
        ("广州市天河区人民法院", "广州市海珠区人民法院", "广州市白云区人民法院"),
        ("中山大学附属第一医院", "广东省人民医院", "南方医院"),
        ("广州供电局有限公司", "广州市自来水有限公司"),
        3800.0, 38000.0, 9500.0,
    ),
    CnCity(
        "杭州市", "浙A", (330106, 330108),
        ("杭州市西湖区人民法院", "杭州市滨江区人民法院"),
        ("浙江大学医学院附属第一医院", "浙江省人民医院"),
        ("国网浙江省电力有限公司杭州供电公司", "杭州市水务集团有限公司"),
        3900.0, 40000.0, 10000.0,
    ),
    CnCity(
        "成都市", "川A", (510107, 510104),
        ("成都市武侯区人民法院", "成都市锦江区人民法院"),
        ("四川大学华西医院", "四川省人民医院"),
        ("国网四川省电力公司成都供电公司", "成都市自来水有限责任公司"),
        2600.0, 18000.0, 7500.0,
    ),
    CnCity(
        "武汉市", "鄂A", (420106, 420111),
        ("武汉市武昌区人民法院", "武汉市洪山区人民法院"),
        ("华中科技大学同济医学院附属协和医院", "武汉大学人民医院"),
        ("国网湖北省电力有限公司武汉供电公司", "武汉市水务集团有限公司"),
        2500.0, 17000.0, 7500.0,
    ),
    CnCity(
        "长沙市", "湘A", (430104, 430102),
        ("长沙市岳麓区人民法院", "长沙市芙蓉区人民法院"),
        ("中南大学湘雅医院", "湖南省人民医院"),
        ("国网湖南省电力有限公司长沙供电分公司", "长沙水业集团有限公司"),
        2300.0, 12000.0, 7000.0,
    ),
    CnCity(
        "南京市", "苏A", (320106,),
        ("南京市鼓楼区人民法院",),
        ("江苏省人民医院", "南京鼓楼医院"),
        ("国网江苏省电力有限公司南京供电分公司", "南京水务集团有限公司"),
        3200.0, 32000.0, 9000.0,
    ),
    CnCity(
        "西安市", "陕A", (610113,),
        ("西安市雁塔区人民法院",),
        ("西安交通大学第一附属医院", "陕西省人民医院"),
        ("国网陕西省电力公司西安供电公司", "西安水务（集团）有限责任公司"),
        2200.0, 16000.0, 7000.0,
    ),
    CnCity(
        "郑州市", "豫A", (410105,),
        ("郑州市金水区人民法院",),
        ("郑州大学第一附属医院", "河南省人民医院"),
        ("国网河南省电力公司郑州供电公司", "郑州自来水投资控股有限公司"),
        2000.0, 14000.0, 6500.0,
    ),
    CnCity(
        "厦门市", "闽D", (350203,),
        ("厦门市思明区人民法院",),
        ("厦门大学附属中山医院", "厦门大学附属第一医院"),
        ("国网厦门供电公司", "厦门水务集团有限公司"),
        3300.0, 45000.0, 9000.0,
    ),
)


class UsCity(NamedTuple):
    """A US city where a few debtors live."""

    name: str
    state: str
    zip_prefix: int  # first three digits of the ZIP code
    phone_areas: tuple[int, ...]
    court: str
    hospitals: tuple[str, ...]
    plate_state: str


US_CITIES: tuple[UsCity, ...] = (
    UsCity("San Jose", "CA", 951, (408, 669),
           "U.S. Bankruptcy Court for the Northern District of California",
           ("Stanford Health Care", "Santa Clara Valley Medical Center"), "CA"),
    UsCity("San Francisco", "CA", 941, (415, 628),
           "U.S. Bankruptcy Court for the Northern District of California",
           ("UCSF Medical Center", "Chinese Hospital"), "CA"),
    UsCity("Los Angeles", "CA", 900, (213, 323, 626),
           "U.S. Bankruptcy Court for the Central District of California",
           ("Cedars-Sinai Medical Center", "Garfield Medical Center"), "CA"),
    UsCity("New York", "NY", 113, (718, 917, 347),
           "U.S. Bankruptcy Court for the Eastern District of New York",
           ("NewYork-Presbyterian Queens", "Flushing Hospital Medical Center"), "NY"),
    UsCity("Seattle", "WA", 981, (206,),
           "U.S. Bankruptcy Court for the Western District of Washington",
           ("Swedish Medical Center", "Harborview Medical Center"), "WA"),
    UsCity("Houston", "TX", 770, (713, 832),
           "U.S. Bankruptcy Court for the Southern District of Texas",
           ("Houston Methodist Hospital", "Memorial Hermann Hospital"), "TX"),
)

#: The hundred most common Chinese surnames with approximate relative frequencies (per mille).
CN_SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 55), ("杨", 31), ("黄", 30), ("赵", 22),
    ("吴", 21), ("周", 19), ("徐", 15), ("孙", 15), ("马", 12), ("朱", 12), ("胡", 11), ("郭", 11),
    ("何", 12), ("林", 16), ("高", 10), ("罗", 10), ("郑", 11), ("梁", 10), ("谢", 9), ("宋", 8),
    ("唐", 8), ("许", 8), ("韩", 7), ("冯", 7), ("邓", 8), ("曹", 7), ("彭", 7), ("曾", 8),
    ("肖", 6), ("田", 6), ("董", 6), ("袁", 6), ("潘", 6), ("于", 6), ("蒋", 6), ("蔡", 7),
    ("余", 5), ("杜", 5), ("叶", 6), ("程", 5), ("苏", 5), ("魏", 5), ("吕", 5), ("丁", 5),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 5), ("姜", 4), ("崔", 4), ("钟", 5), ("谭", 4),
    ("陆", 4), ("汪", 4), ("范", 4), ("金", 4), ("石", 4), ("廖", 4), ("贾", 4), ("夏", 3),
    ("韦", 3), ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3),
    ("邱", 3), ("江", 3), ("尹", 3), ("薛", 3), ("闫", 2), ("段", 2), ("雷", 2), ("侯", 2),
    ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2),
    ("龚", 2), ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("覃", 2), ("武", 2), ("戴", 2),
    ("莫", 2), ("孔", 2), ("欧阳", 1), ("司徒", 0.5),
)

#: Given names by (gender, era): era 0 born before 1965, 1 born 1965–1994, 2 born 1995 or later.
CN_GIVEN_NAMES: dict[tuple[str, int], tuple[str, ...]] = {
    ("M", 0): (
        "建国", "国庆", "卫东", "红军", "德福", "福生", "金福", "永福", "长生", "志刚", "建华",
        "国华", "建军", "保国", "振国", "树林", "桂林", "春生", "忠诚", "德明", "玉林", "国平",
        "建平", "和平", "富贵", "水生", "根生", "有才", "秋生", "国栋", "宝山", "金山", "海生",
        "文华", "炳坤", "锦标", "伟雄", "广才",
    ),
    ("M", 1): (
        "伟", "强", "磊", "军", "勇", "杰", "涛", "超", "明", "刚", "辉", "鹏", "华", "飞", "鑫",
        "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "志强",
        "志明", "国强", "海涛", "晓东", "宏伟", "永强", "立新", "建伟", "文杰", "俊杰", "家明",
        "永辉", "伟强", "志勇", "晓峰", "海波", "建新", "振华", "小龙", "剑锋", "春雷", "荣华",
        "少杰", "伟东", "锦华", "志华", "庆华", "耀华", "思聪", "志伟", "俊峰",
    ),
    ("M", 2): (
        "子轩", "浩然", "宇轩", "梓豪", "一鸣", "晨阳", "家豪", "子豪", "博文", "天宇", "思远",
        "明哲", "浩宇", "宇航", "梓轩", "俊熙", "皓轩", "睿", "昊天", "沐阳", "子墨", "奕辰",
        "宇泽", "锦程", "梓睿", "逸飞", "泽宇", "俊宇", "瑞霖", "子骞", "弘毅", "煜祺", "嘉乐",
    ),
    ("F", 0): (
        "秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "秀珍", "玉珍", "淑珍", "淑华", "素芬",
        "美华", "翠花", "金凤", "秀梅", "冬梅", "红梅", "玉梅", "兰英", "凤兰", "月娥", "淑英",
        "惠兰", "爱华", "丽华", "桂芳", "春兰", "玉芬", "秋菊", "彩霞", "亚娣", "银好",
    ),
    ("F", 1): (
        "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "红", "梅", "琳", "莉",
        "雪", "慧", "颖", "丹", "晶", "晓燕", "丽娟", "海燕", "晓丽", "美玲", "小红", "春燕",
        "雪梅", "丽萍", "慧敏", "婷婷", "小燕", "晓红", "丽丽", "晓梅", "秀娟", "春梅", "燕玲",
        "文静", "佳慧", "晓敏", "丽君", "美娟", "凤娇", "少芬", "嘉欣",
    ),
    ("F", 2): (
        "梓涵", "诗涵", "欣怡", "子涵", "雨桐", "可馨", "梓萱", "思涵", "一诺", "语嫣", "欣妍",
        "紫涵", "雨欣", "佳怡", "若曦", "梦琪", "子萱", "佳琪", "心怡", "依诺", "芷若", "语桐",
        "沐晴", "可欣", "诗琪", "梓琪", "晨曦", "钰彤", "思彤", "安琪",
    ),
}

US_FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "M": (
        "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
        "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew",
        "Joshua", "Kevin", "Brian", "Eric", "Jason", "Ryan", "Justin", "Brandon", "Ethan", "Noah",
        "Liam", "Lucas", "Kenneth", "Vincent", "Henry",
    ),
    "F": (
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica",
        "Sarah", "Karen", "Lisa", "Nancy", "Sandra", "Ashley", "Emily", "Michelle", "Amanda",
        "Melissa", "Stephanie", "Rebecca", "Laura", "Emma", "Olivia", "Sophia", "Grace", "Chloe",
        "Hannah", "Amy", "Angela", "Helen", "Vivian", "Irene",
    ),
}

US_SURNAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall",
    "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Chen", "Wang", "Li", "Zhang", "Liu",
    "Huang", "Wong", "Kim", "Patel", "Murphy", "Cook", "Rogers", "Lin", "Chan", "Tran",
)

US_STREETS: tuple[str, ...] = (
    "Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Main",
    "Sunset", "Mission", "Valley", "Highland", "Lincoln", "Jefferson", "Madison", "Franklin",
    "Church", "Spring", "Willow", "Stevens Creek", "Garden", "Meridian", "Prospect", "Ocean",
)
US_STREET_SUFFIXES: tuple[str, ...] = ("St", "Ave", "Blvd", "Dr", "Ln", "Ct", "Way", "Rd")

#: Mobile number prefixes of the three PRC carriers (China Mobile, Unicom, Telecom).
CN_MOBILE_PREFIXES: tuple[int, ...] = (
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158,
    159, 166, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 198, 199,
)

SZ_ROADS: tuple[str, ...] = (
    "深南大道", "滨海大道", "科技园路", "高新南一道", "南海大道", "创业路", "华强北路", "红荔路",
    "莲花路", "梅林路", "北环大道", "侨香路", "香蜜湖路", "沙河西路", "白石路", "桂园路",
    "松坪路", "宝安大道", "新安路", "龙华大道", "布吉路", "翠竹路", "东门中路", "福华路",
    "后海大道", "前海路", "留仙大道", "民治大道", "龙岗大道", "坪山大道", "光明大道", "沙井路",
)

CN_ROADS: tuple[str, ...] = (
    "建设路", "人民路", "解放路", "中山路", "和平路", "新华路", "文化路", "育才路", "光明路",
    "东风路", "胜利路", "五一路", "长江路", "黄河路", "学府路", "青年路", "工业大道", "兴华路",
    "前进路", "朝阳路", "振兴路", "迎宾大道", "沿江路", "望江路", "花园路", "滨江路", "丰收路",
    "东环路", "西环路", "北京路", "南京路",
)

CN_COMMUNITIES: tuple[str, ...] = (
    "华侨城", "万科城", "碧桂园", "中海华庭", "金地名峰", "星河丽景", "保利香槟", "招商花园",
    "龙湖天街", "御景华府", "阳光花园", "翠湖山庄", "世纪春城", "锦绣江南", "桃源居", "书香门第",
)

CN_TOWNS: tuple[str, ...] = (
    "城关", "新圩", "石桥", "白沙", "龙潭", "太平", "黄田", "长安", "三溪", "大坪", "河口",
    "南岭", "东山", "青龙", "马渡", "塘口",
)
CN_VILLAGES: tuple[str, ...] = (
    "上村", "下屯", "东坑", "新塘", "马岭", "石门", "大岭", "高田", "水口", "竹园", "岭头",
    "湖边", "坪上", "老屋", "西岸", "谷田",
)

#: Banks with their approximate share of personal accounts, and their corporate legal names.
CN_BANKS: tuple[tuple[str, str, float], ...] = (
    ("中国工商银行", "中国工商银行股份有限公司", 15),
    ("中国建设银行", "中国建设银行股份有限公司", 14),
    ("招商银行", "招商银行股份有限公司", 12),
    ("中国农业银行", "中国农业银行股份有限公司", 10),
    ("中国银行", "中国银行股份有限公司", 10),
    ("平安银行", "平安银行股份有限公司", 8),
    ("交通银行", "交通银行股份有限公司", 6),
    ("中国邮政储蓄银行", "中国邮政储蓄银行股份有限公司", 6),
    ("兴业银行", "兴业银行股份有限公司", 4),
    ("中信银行", "中信银行股份有限公司", 3),
    ("上海浦东发展银行", "上海浦东发展银行股份有限公司", 3),
    ("中国民生银行", "中国民生银行股份有限公司", 3),
    ("中国光大银行", "中国光大银行股份有限公司", 2),
    ("广发银行", "广发银行股份有限公司", 2),
    ("微众银行", "深圳前海微众银行股份有限公司", 2),
)
CN_PAYMENT_APPS: tuple[tuple[str, float], ...] = (("支付宝", 55), ("微信支付", 45))
CN_SECURITIES: tuple[str, ...] = ("华泰证券", "中信证券", "招商证券", "国泰君安证券", "平安证券")

US_BANKS: tuple[tuple[str, str, float], ...] = (
    ("Chase", "JPMorgan Chase Bank, N.A.", 20),
    ("Bank of America", "Bank of America, N.A.", 18),
    ("Wells Fargo", "Wells Fargo Bank, N.A.", 15),
    ("Citibank", "Citibank, N.A.", 8),
    ("East West Bank", "East West Bank", 10),
    ("Cathay Bank", "Cathay Bank", 8),
    ("Capital One", "Capital One, N.A.", 8),
    ("U.S. Bank", "U.S. Bank National Association", 6),
)
US_PAYMENT_APPS: tuple[tuple[str, float], ...] = (("PayPal", 40), ("Venmo", 35), ("Cash App", 25))

#: Two-character trade names (字号) for invented companies.
CN_TRADE_NAMES: tuple[str, ...] = (
    "鑫源", "华盛", "恒达", "宏图", "瑞丰", "金龙", "嘉禾", "联创", "盛世", "永泰", "泰和",
    "汇丰", "腾达", "中科", "新锐", "安信", "润发", "天成", "博远", "众合", "鼎盛", "锦程",
    "华信", "卓越", "伟业", "东方", "顺发", "宏达", "富源", "星辰", "诚信", "佳美", "荣昌",
    "海纳", "金鹏", "信达", "优品", "百川", "万象", "启航", "德隆", "凯旋", "明辉", "创新",
    "鹏程", "远航", "聚源", "同福", "盈科", "智汇",
)
CN_INDUSTRIES: tuple[str, ...] = (
    "科技", "贸易", "电子", "餐饮管理", "建筑工程", "物流", "投资咨询", "装饰工程", "文化传媒",
    "供应链管理", "实业", "服装", "商贸", "信息技术", "五金制品", "网络科技", "企业管理咨询",
    "进出口", "家具", "印刷",
)
US_INDUSTRIES: tuple[str, ...] = (
    "Trading", "Logistics", "Consulting", "Imports", "Construction", "Restaurant Group",
    "Technologies", "Design", "Holdings", "Supply",
)

CN_CAR_MODELS: tuple[tuple[str, float], ...] = (
    ("比亚迪 汉EV", 220000), ("比亚迪 秦PLUS", 130000), ("丰田 凯美瑞", 200000),
    ("本田 雅阁", 190000), ("大众 帕萨特", 210000), ("特斯拉 Model 3", 260000),
    ("宝马 5系", 450000), ("奔驰 E级", 480000), ("日产 轩逸", 120000), ("别克 GL8", 280000),
    ("理想 L7", 330000), ("蔚来 ES6", 360000), ("奥迪 A6L", 420000), ("吉利 星越L", 160000),
)
US_CAR_MODELS: tuple[tuple[str, float], ...] = (
    ("Toyota Camry", 28000), ("Honda Accord", 30000), ("Tesla Model Y", 52000),
    ("Ford F-150", 45000), ("Lexus RX 350", 55000), ("BMW X5", 68000), ("Honda CR-V", 32000),
)

#: Statement memos by purpose: (Chinese variants, US English variants).
MEMOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "salary": (("工资", "代发工资", "工资发放"), ("PAYROLL", "DIRECT DEP PAYROLL")),
    "bonus": (("年终奖", "奖金"), ("BONUS",)),
    "business_income": (("分红", "经营所得", "往来款", "劳务费"), ("Owner draw", "Distribution")),
    "grocery": (("超市购物", "消费", "日用品"), ("Groceries", "POS purchase")),
    "dining": (("餐饮消费", "外卖", "消费"), ("Restaurant", "POS purchase")),
    "fuel": (("加油", "加油站消费"), ("Gas",)),
    "online": (("网购", "淘宝购物", "京东购物"), ("Online purchase",)),
    "utility": (("电费", "水费", "燃气费"), ("Utility bill",)),
    "rent": (("房租", "租金"), ("Rent",)),
    "mortgage": (("房贷还款", "按揭还款", "个人住房贷款还款"), ("Mortgage payment",)),
    "loan_repayment": (("信用卡还款", "贷款还款", "还款"), ("Credit card payment", "Loan payment")),
    "loan_disbursement": (("贷款发放", "个人经营贷款发放", "消费贷款发放"), ("Loan proceeds",)),
    "parent_support": (("生活费", "给爸妈", "孝敬父母", "家用"), ("For mom", "Family support")),
    "red_envelope": (("红包", "新年红包", "过年红包", "春节红包"), ("Gift",)),
    "school_fee": (("学费", "学杂费", "春季学期学费", "秋季学期学费"), ("Tuition",)),
    "allowance": (("生活费",), ("Allowance",)),
    "child_support": (("抚养费",), ("Child support",)),
    "household": (("家用", "生活费", "转账"), ("Household", "Groceries")),
    "cash_withdrawal": (("ATM取款", "取现", "柜台取款"), ("ATM withdrawal",)),
    "cash_deposit": (("现金存款", "ATM存款"), ("Cash deposit",)),
    "friend": (("转账", "AA", "还你的钱", "借款", "还款", "红包"), ("Dinner", "Thanks", "Payback")),
    "medical": (("医疗费", "住院费", "门诊费", "住院押金", "手术费"),
                ("Medical bill", "Hospital bill")),
    "family_help": (("借给你还款", "先拿去用", "转账"), ("Help with bills",)),
    "to_relative": (("转账", "还款", "借款", "生活费", "往来款", "购房款"),
                    ("Transfer", "Loan", "Repayment")),
    "layering": (("借款", "转账", "货款", "往来款"), ("Loan", "Transfer", "Invoice")),
    "shell_funding": (("货款", "投资款", "往来款", "服务费"), ("Invoice", "Capital contribution")),
    "gift": (("赠与", "赠送"), ("Gift",)),
    "divorce": (("离婚财产分割", "转账", "离婚协议款"), ("Divorce settlement", "Transfer")),
    "loan_from_relative": (("借款", "借给你的钱"), ("Loan",)),
    "repay_relative": (("还款", "还借款", "归还借款"), ("Loan repayment", "Repayment")),
    "property_payment": (("购房款", "首付款", "定金"), ("Home purchase", "Down payment")),
    "vehicle_payment": (("购车款", "车款"), ("Vehicle purchase",)),
    "sale_proceeds": (("购房款", "房款"), ("Home sale proceeds",)),
    "vehicle_sale": (("购车款", "二手车款"), ("Vehicle sale",)),
    "sibling": (("转账", "红包", "借款", "还款"), ("Transfer", "Gift")),
    "wedding_gift": (("结婚礼金", "红包", "学费"), ("Wedding gift", "Tuition")),
    "purchase": (("货款", "采购款"), ("Invoice", "Purchase")),
}

#: Nation-wide merchants of PRC cases: (registered name, spending category).
CN_NATIONAL_MERCHANTS: tuple[tuple[str, str], ...] = (
    ("浙江天猫网络有限公司", "online"),
    ("北京京东世纪贸易有限公司", "online"),
    ("上海寻梦信息技术有限公司", "online"),
    ("北京三快在线科技有限公司", "dining"),
)
#: Merchants of US cases: (registered name, spending category).
US_MERCHANTS: tuple[tuple[str, str], ...] = (
    ("Walmart Inc.", "grocery"), ("Costco Wholesale Corporation", "grocery"),
    ("Target Corporation", "grocery"), ("99 Ranch Market", "grocery"), ("H Mart", "grocery"),
    ("Safeway Inc.", "grocery"), ("Chevron U.S.A. Inc.", "fuel"), ("Shell Oil Company", "fuel"),
    ("Amazon.com Services LLC", "online"), ("eBay Inc.", "online"),
    ("Starbucks Corporation", "dining"), ("DoorDash Inc.", "dining"),
)
#: Utility company by US state.
US_UTILITIES: dict[str, str] = {
    "CA": "Pacific Gas and Electric Company",
    "NY": "Consolidated Edison Company of New York",
    "WA": "Seattle City Light",
    "TX": "CenterPoint Energy",
}
#: School name stems for invented PRC schools.
CN_SCHOOL_NAMES: tuple[str, ...] = (
    "实验", "外国语", "育才", "第一", "第二", "第三", "明德", "荔园", "星河", "华侨城", "阳光",
    "博雅",
)
