"""The demo city's request categories (诉求分类) and places, in Chinese.

Three families as Chinese hotlines group them (城市管理 / 社会治理 / 公共服务), two-digit
codes per level as in GB/T 39666, each leaf with the words citizens use for it
(synonyms, searched as the agent types) and who leads it in the dispatch catalogue.
The joint consultation's settled cases (hotel hygiene refunds, stall goods, wall
openings, sand washing) carry the note that settled them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (code, name) of the families and of their second level.
FAMILIES: list[tuple[str, str, str]] = [
    ("01", "城市管理", "City management"),
    ("02", "社会治理", "Social governance"),
    ("03", "公共服务", "Public services"),
]

GROUPS: list[tuple[str, str, str]] = [
    ("0101", "市容环境", "City appearance"),
    ("0102", "违法建设", "Illegal construction"),
    ("0103", "市政设施", "Municipal facilities"),
    ("0104", "园林绿化", "Parks and greenery"),
    ("0105", "噪声扰民", "Noise"),
    ("0106", "生态环境", "Environment"),
    ("0107", "停车管理", "Parking"),
    ("0201", "社会治安", "Public order"),
    ("0202", "安全生产", "Work safety"),
    ("0203", "邻里与社区", "Neighbourhood and community"),
    ("0204", "劳动保障", "Labour and social security"),
    ("0205", "民政服务", "Civil affairs"),
    ("0206", "法律服务", "Legal services"),
    ("0207", "农业农村", "Agriculture and rural affairs"),
    ("0301", "供水", "Water supply"),
    ("0302", "供电", "Power supply"),
    ("0303", "供气供暖", "Gas and heating"),
    ("0304", "公共交通", "Public transport"),
    ("0305", "教育", "Education"),
    ("0306", "医疗卫生", "Health"),
    ("0307", "住房", "Housing"),
    ("0308", "市场消费", "Markets and consumers"),
    ("0309", "文化旅游", "Culture and tourism"),
    ("0310", "企业服务", "Business services"),
]


@dataclass(frozen=True)
class Leaf:
    code: str
    name_zh: str
    name: str
    synonyms: tuple[str, ...]
    lead: str | None  # citywide lead; None: only district rules route it
    assisting: tuple[str, ...] = ()
    note: str | None = None
    by_district: dict[str, str] = field(default_factory=dict)  # district → its lead


def _leaf(
    code: str,
    name_zh: str,
    name: str,
    synonyms: str,
    lead: str | None,
    *assisting: str,
    note: str | None = None,
    by_district: dict[str, str] | None = None,
) -> Leaf:
    return Leaf(
        code, name_zh, name, tuple(synonyms.split()), lead, assisting, note, by_district or {}
    )


SETTLED = "联席会议议定："
LEAVES: list[Leaf] = [
    _leaf(
        "010101",
        "占道经营",
        "Street vendors",
        "摊贩 流动摊点 马路市场 小商贩 摆摊",
        "urban-management",
    ),
    _leaf("010102", "乱张贴乱涂画", "Fly-posting", "小广告 牛皮癣 涂鸦", "urban-management"),
    _leaf("010103", "户外广告招牌", "Outdoor signs", "广告牌 店招 招牌", "urban-management"),
    _leaf(
        "010104",
        "垃圾清运",
        "Refuse collection",
        "垃圾没人收 垃圾堆放 垃圾桶满",
        "urban-management",
    ),
    _leaf("010105", "垃圾分类", "Waste sorting", "分类投放 垃圾房", "urban-management"),
    _leaf("010106", "道路保洁", "Street cleaning", "扫马路 路面脏 保洁", "urban-management"),
    _leaf("010107", "公厕管理", "Public toilets", "厕所 公共厕所", "urban-management"),
    _leaf(
        "010108",
        "流动摊点商品质量",
        "Quality of goods at stalls",
        "地摊货质量 摊贩卖假货",
        "market-supervision",
        "urban-management",
        note=SETTLED + "流动摊点所售商品的质量问题由市场监管牵头",
    ),
    _leaf(
        "010201",
        "违章建筑",
        "Illegal construction",
        "违建 私搭乱建 加盖 搭建",
        "comprehensive-enforcement",
        "natural-resources",
        "housing",
    ),
    _leaf(
        "010202",
        "外墙开洞",
        "Openings in external walls",
        "墙上开窗 开门洞 破墙开店 砸墙",
        "housing",
        "comprehensive-enforcement",
        "natural-resources",
        note=SETTLED + "在外墙非承重墙开窗、开门、开洞由住建牵头",
    ),
    _leaf(
        "010203",
        "擅自改变房屋用途",
        "Change of use",
        "住改商 改变用途",
        "comprehensive-enforcement",
    ),
    _leaf(
        "010301", "道路破损", "Road damage", "路面坑洼 坑洞 路坏了", "transport", "urban-management"
    ),
    _leaf("010302", "井盖缺失", "Missing manhole covers", "下水道盖 井盖 窨井", "urban-management"),
    _leaf("010303", "路灯不亮", "Street lights", "路灯故障 路灯", "urban-management"),
    _leaf("010304", "排水不畅", "Drainage", "下水道堵塞 积水 排水", "urban-management", "water"),
    _leaf("010305", "人行道破损", "Pavements", "人行道砖 盲道", "urban-management"),
    _leaf("010306", "桥梁隧道", "Bridges and tunnels", "桥 隧道", "transport"),
    _leaf("010401", "树木修剪", "Tree pruning", "树枝挡窗 修树 砍树", "urban-management"),
    _leaf("010402", "绿地毁损", "Damaged green space", "草坪被占 毁绿", "urban-management"),
    _leaf("010403", "公园管理", "Parks", "公园 广场", "urban-management"),
    _leaf(
        "010501",
        "建筑施工噪声",
        "Construction noise",
        "工地噪音 夜间施工 施工扰民",
        "ecology",
        "urban-management",
    ),
    _leaf("010502", "工业噪声", "Industrial noise", "工厂噪音 机器噪音", "ecology"),
    _leaf(
        "010503",
        "社会生活噪声",
        "Neighbourhood noise",
        "广场舞 商铺喇叭 噪音扰民",
        "public-security",
    ),
    _leaf("010504", "交通噪声", "Traffic noise", "鸣笛 车辆噪音", "transport"),
    _leaf("010601", "大气污染", "Air pollution", "空气污染 烟尘 异味 油烟 烧垃圾", "ecology"),
    _leaf("010602", "水污染", "Water pollution", "河水发臭 排污 污水", "ecology", "water"),
    _leaf(
        "010603",
        "河道采砂洗砂",
        "Sand washing in rivers",
        "洗砂机 采砂 洗沙",
        "water",
        "ecology",
        "natural-resources",
        note=SETTLED + "河道内洗砂机由水利牵头",
    ),
    _leaf("010604", "河道管理", "Rivers", "河道垃圾 河道 河堤", "water"),
    _leaf("010605", "固体废物", "Solid waste", "危废 建筑垃圾倾倒 渣土", "ecology"),
    _leaf(
        "010701",
        "违法停车",
        "Illegal parking",
        "乱停车 占道停车 堵门",
        "public-security",
        "urban-management",
    ),
    _leaf("010702", "停车收费", "Parking fees", "停车场收费 停车费", "market-supervision"),
    _leaf("010703", "共享单车", "Shared bicycles", "单车乱停 电单车", "urban-management"),
    _leaf("020101", "治安隐患", "Public order risks", "打架 可疑人员", "public-security"),
    _leaf(
        "020102",
        "交通秩序",
        "Traffic order",
        "交通拥堵 闯红灯 堵车",
        "public-security",
        "transport",
    ),
    _leaf("020103", "电信诈骗", "Telecom fraud", "诈骗电话 骗子 诈骗短信", "public-security"),
    _leaf(
        "020104",
        "户籍证件",
        "Household registration and ID",
        "身份证 户口 居住证",
        "public-security",
    ),
    _leaf("020201", "安全隐患", "Safety hazards", "安全生产 危险 隐患", "emergency-management"),
    _leaf(
        "020202",
        "消防通道堵塞",
        "Blocked fire lanes",
        "消防 消防通道 堵塞通道",
        "emergency-management",
    ),
    _leaf(
        "020203", "燃气安全", "Gas safety", "燃气泄漏 煤气味", "gas-supply", "emergency-management"
    ),
    _leaf(
        "020301",
        "邻里纠纷",
        "Neighbourhood disputes",
        "邻居矛盾 楼上漏水 邻里矛盾",
        None,
        "justice",
        by_district={
            "dinghai": "dinghai-huannan",
            "putuo": "putuo-shenjiamen",
            "xincheng": "xincheng-lincheng",
        },
    ),
    _leaf("020302", "物业纠纷", "Property management", "物业服务 物业费 物业不作为", "housing"),
    _leaf("020303", "业委会", "Owners' committees", "业主委员会 业主大会", "housing"),
    _leaf(
        "020304",
        "社区设施",
        "Community facilities",
        "小区设施 健身器材 社区活动室",
        None,
        by_district={"dinghai": "dinghai-gov"},
    ),
    # No rule routes it: a matter of unclear responsibility, which an agent dispatches.
    _leaf("020399", "其他社会事务", "Other social matters", "其他 说不清 不知归谁管", None),
    _leaf(
        "020401",
        "拖欠工资",
        "Wage arrears",
        "欠薪 讨薪 农民工工资 不发工资",
        "human-resources",
        "justice",
    ),
    _leaf("020402", "社会保险", "Social insurance", "社保 养老保险 失业保险", "human-resources"),
    _leaf("020403", "就业创业", "Employment", "找工作 就业 创业补贴", "human-resources"),
    _leaf("020404", "劳动合同", "Labour contracts", "辞退 劳动仲裁 合同", "human-resources"),
    _leaf("020501", "养老服务", "Elderly care", "养老院 老年人 居家养老", "civil-affairs"),
    _leaf("020502", "低保救助", "Subsistence allowance", "低保 困难补助 救助", "civil-affairs"),
    _leaf("020503", "婚姻登记", "Marriage registration", "结婚登记 离婚登记", "civil-affairs"),
    _leaf("020504", "殡葬管理", "Funerals", "墓地 殡仪 公墓", "civil-affairs"),
    _leaf("020505", "残疾人服务", "Services for the disabled", "残疾 残疾人补贴", "civil-affairs"),
    _leaf("020601", "法律援助", "Legal aid", "打官司 律师 法律咨询", "justice"),
    _leaf("020602", "人民调解", "Mediation", "调解 纠纷调解", "justice"),
    _leaf(
        "020701",
        "农资质量",
        "Agricultural inputs",
        "假种子 化肥 农药",
        "agriculture",
        "market-supervision",
    ),
    _leaf(
        "020702",
        "渔港管理",
        "Fishing ports",
        "渔船 码头 渔港",
        None,
        "agriculture",
        "transport",
        by_district={"putuo": "putuo-gov"},
    ),
    _leaf("020703", "动物防疫", "Animal health", "畜禽防疫 病死猪", "agriculture"),
    _leaf("020704", "土地使用", "Land use", "征地 宅基地 土地", "natural-resources"),
    _leaf("030101", "停水", "Water outage", "没水 水压低 停水", "water-supply", "housing"),
    _leaf(
        "030102", "水质问题", "Water quality", "自来水浑浊 水有异味 黄水", "water-supply", "health"
    ),
    _leaf("030103", "水费水表", "Water bills and meters", "水费 水表", "water-supply"),
    _leaf("030201", "停电", "Power outage", "没电 跳闸 断电", "power-supply"),
    _leaf("030202", "电费电表", "Power bills and meters", "电费 电表", "power-supply"),
    _leaf("030301", "停气", "Gas outage", "没气 燃气停供 停燃气", "gas-supply"),
    _leaf("030302", "供暖", "Heating", "暖气不热 供暖费", "housing"),
    _leaf("030401", "公交服务", "Bus service", "公交车 公交站 公交线路", "transport"),
    _leaf("030402", "出租车服务", "Taxis", "出租车 网约车 拒载 绕路", "transport"),
    _leaf(
        "030403",
        "道路交通设施",
        "Traffic signals and signs",
        "红绿灯 交通标志 信号灯",
        "public-security",
        "transport",
    ),
    _leaf("030501", "学校收费", "School fees", "乱收费 学费 补课费", "education"),
    _leaf("030502", "入学招生", "School admission", "入学 学区 招生", "education"),
    _leaf(
        "030503",
        "校外培训",
        "Private tutoring",
        "培训机构 补习班 退费",
        "education",
        "market-supervision",
    ),
    _leaf("030601", "医疗服务", "Medical services", "看病 医院服务 医生态度", "health"),
    _leaf(
        "030602", "疫情防控", "Epidemic prevention", "疫苗 传染病 防疫", "health", "civil-affairs"
    ),
    _leaf("030603", "医保报销", "Medical insurance", "医保 医疗保险 报销", "medical-insurance"),
    _leaf("030701", "房屋维修", "Housing repairs", "房屋漏水 维修基金 墙体开裂", "housing"),
    _leaf("030702", "住房公积金", "Housing provident fund", "公积金 提取公积金", "housing"),
    _leaf("030703", "保障性住房", "Social housing", "公租房 廉租房 保障房", "housing"),
    _leaf(
        "030801",
        "食品安全",
        "Food safety",
        "食物中毒 过期食品 餐馆卫生",
        "market-supervision",
        "health",
    ),
    _leaf("030802", "消费纠纷", "Consumer disputes", "退款 退货 维权 预付卡", "market-supervision"),
    _leaf("030803", "价格投诉", "Prices", "乱涨价 价格欺诈 明码标价", "market-supervision"),
    _leaf(
        "030804",
        "住宿卫生退费",
        "Hotel hygiene refunds",
        "酒店卫生 民宿退房 宾馆不干净",
        "market-supervision",
        "health",
        "culture-tourism",
        note=SETTLED + "酒店、民宿因卫生问题退房退费的纠纷由市场监管牵头",
    ),
    _leaf(
        "030901",
        "旅游投诉",
        "Tourism complaints",
        "导游 景区 强制购物",
        "culture-tourism",
        "market-supervision",
    ),
    _leaf("030902", "文化娱乐场所", "Entertainment venues", "网吧 KTV 娱乐场所", "culture-tourism"),
    _leaf("031001", "营商环境", "Business environment", "企业诉求 办事难 营商", "commerce"),
    _leaf("031002", "惠企政策", "Business support", "补贴 惠企 扶持资金", "commerce"),
]

# (code, district or None, Chinese name, English name)
PLACES: list[tuple[str, str | None, str, str]] = [
    ("dinghai", None, "定海区", "Dinghai District"),
    ("putuo", None, "普陀区", "Putuo District"),
    ("xincheng", None, "新城区", "Xincheng District"),
    ("dinghai-huannan", "dinghai", "环南街道", "Huannan Street"),
    ("dinghai-chengdong", "dinghai", "城东街道", "Chengdong Street"),
    ("dinghai-changguo", "dinghai", "昌国街道", "Changguo Street"),
    ("dinghai-yancang", "dinghai", "盐仓街道", "Yancang Street"),
    ("putuo-shenjiamen", "putuo", "沈家门街道", "Shenjiamen Street"),
    ("putuo-donggang", "putuo", "东港街道", "Donggang Street"),
    ("putuo-zhujiajian", "putuo", "朱家尖街道", "Zhujiajian Street"),
    ("xincheng-lincheng", "xincheng", "临城街道", "Lincheng Street"),
    ("xincheng-qiandao", "xincheng", "千岛街道", "Qiandao Street"),
]
