"""The words extraction knows: the heads that end names of each kind, the words that stand between
names, titles of posts, surnames, places and industries.

Written for reports on innovation governance in general, not for one report: a name in these reports
is a run of characters ending in a head that says its kind (…领导小组, …办公室, …科学城, …基金), led
by a place or a body (上海市…, 国务院…), and preceded by a verb or a preposition that is no part of it.
"""

from __future__ import annotations

#: Heads of names, with the class each gives; longer heads are tried first.
HEADS: dict[str, str] = {
    # organisations
    "领导小组": "ikg:LeadingGroup", "工作领导小组": "ikg:LeadingGroup",
    "理事会": "ikg:Council", "董事会": "ikg:Council",
    "管理委员会": "ikg:ManagementCommittee", "管委会": "ikg:ManagementCommittee",
    "办事机构": "ikg:CoordinationOffice", "办公室": "ikg:CoordinationOffice", "办": "ikg:CoordinationOffice",
    "街道办事处": "ikg:GovernmentBody", "办事处": "ikg:GovernmentBody", "街办": "ikg:GovernmentBody",
    "研究院": "ikg:ResearchOrganization",
    "分院": "ikg:ResearchOrganization", "研究所": "ikg:ResearchOrganization",
    "研究中心": "ikg:ResearchOrganization", "研究室": "ikg:ResearchOrganization",
    "政研室": "ikg:ResearchOrganization", "实验室": "ikg:ResearchOrganization",
    "科学院": "ikg:ResearchOrganization", "大学": "ikg:ResearchOrganization",
    "学院": "ikg:ResearchOrganization", "研究机构": "ikg:ResearchOrganization",
    "调研组": "ikg:WorkingGroup", "课题组": "ikg:WorkingGroup", "工作组": "ikg:WorkingGroup",
    "专题组": "ikg:WorkingGroup", "工作专班": "ikg:WorkingGroup",
    "集团": "ikg:Enterprise", "公司": "ikg:Enterprise",
    "处": "org:OrganizationalUnit", "科室": "org:OrganizationalUnit",
    "人民政府": "ikg:GovernmentBody", "政府": "ikg:GovernmentBody", "国务院": "ikg:GovernmentBody",
    "委员会": "ikg:GovernmentBody", "党工委": "ikg:GovernmentBody", "市委": "ikg:GovernmentBody",
    "省委": "ikg:GovernmentBody", "区委": "ikg:GovernmentBody", "发改委": "ikg:GovernmentBody",
    "发展改革委": "ikg:GovernmentBody", "编委": "ikg:GovernmentBody", "组织部": "ikg:GovernmentBody",
    "宣传部": "ikg:GovernmentBody", "统战部": "ikg:GovernmentBody",
    "经信委": "ikg:GovernmentBody", "科委": "ikg:GovernmentBody",
    "局": "ikg:GovernmentBody", "厅": "ikg:GovernmentBody", "部": "ikg:GovernmentBody",
    # places and areas
    "综合性国家科学中心": "ikg:NationalScienceCenter", "国家科学中心": "ikg:NationalScienceCenter",
    "综合性科学中心": "ikg:NationalScienceCenter",
    "科学城": "ikg:InnovationArea", "科技城": "ikg:InnovationArea", "示范区": "ikg:InnovationArea",
    "开发区": "ikg:InnovationArea", "高新区": "ikg:InnovationArea", "自贸区": "ikg:InnovationArea",
    "园区": "ikg:InnovationArea", "产业园": "ikg:InnovationArea", "科技园": "ikg:InnovationArea",
    "研创园": "ikg:InnovationArea", "软件园": "ikg:InnovationArea", "创业园": "ikg:InnovationArea",
    "科创谷": "ikg:InnovationArea",
    "创新中心": "ikg:InnovationArea", "科创中心": "ikg:InnovationArea", "服务中心": "ikg:Platform",
    "孵化器": "ikg:InnovationArea",
    "新区": "schema:AdministrativeArea", "新城": "schema:AdministrativeArea",
    "展示中心": "ikg:Venue", "展览馆": "ikg:Venue", "展示馆": "ikg:Venue", "会展中心": "ikg:Venue",
    "规划馆": "ikg:Venue", "展馆": "ikg:Venue", "科技馆": "ikg:Venue",
    # things bodies make or run
    "基金": "ikg:Fund", "资金": "ikg:Fund", "平台": "ikg:Platform", "装置": "ikg:MajorScienceFacility",
    "设施": "ikg:MajorScienceFacility", "实验站": "ikg:MajorScienceFacility",
    "光源": "ikg:MajorScienceFacility",
    "计划": "ikg:BigScienceProgramme", "工程": "ikg:BigScienceProgramme",
    "规划": "ikg:Plan", "方案": "ikg:Plan", "纲要": "ikg:Plan",
    "政策体系": "ikg:Policy", "体制": "ikg:Policy", "机制": "ikg:Policy",
    "决策部署": "ikg:Directive", "讲话精神": "ikg:Directive", "指示精神": "ikg:Directive",
    "指挥部": "ikg:CoordinationOffice",
}

#: What a name's lead (the name less its head) must not be alone: words that describe a kind of thing
#: (高水平实验室, 专项基金, 配套设施, 大科学装置), not a name of one.
GENERIC_LEADS = frozenset(" ".join((
    "高水平 专项 配套 相关 大科学 重大科技基础 科技基础 重大 基础 共享 新型研发 研发 国际大科学 大",
    "各类 一流 新型 科学 科研 创新 公共 服务 重点 国家重点 专业 综合 技术 科技 产业 领导 管理",
    "科学设施 前沿 知名 国内外知名 国际知名",
    "投资 科技创新投资 产业投资 天使投资 创业投资 风险投资 股权投资 政府引导 引导 母",
    "多元 新一代 新一代大科学 财政 社会",
)).split())
#: Kinds whose names GENERIC_LEADS applies to (a 科技部 or a 管理处 is a name, a 科技平台 is not).
GENERIC_KINDS = frozenset({"ikg:Fund", "ikg:Platform", "ikg:MajorScienceFacility", "ikg:BigScienceProgramme",
                           "ikg:ResearchOrganization", "ikg:Plan"})
#: Heads of directives that grow over 的 and 关于 (习近平总书记关于深圳建设的重要指示精神).
DIRECTIVE_HEADS = ("讲话精神", "指示精神")

#: Heads that name nothing on their own or only after a name of at least this many characters.
MIN_LEAD: dict[str, int] = {"国务院": 0, "省委": 0, "市委": 0, "区委": 0, "资金": 2, "办": 2, "处": 3,
                            "部": 2, "局": 2, "厅": 2, "政府": 1,
                            "委员会": 2,
                            "集团": 2, "公司": 2, "平台": 2, "设施": 2, "计划": 2, "工程": 2,
                            "体制": 2, "机制": 2, "规划": 2, "方案": 2, "大学": 2, "学院": 2, "新城": 2}
#: Characters that, right after a head, show it is no head there (处长 is a post, 部署 a deployment).
NOT_AFTER: dict[str, str] = {
    "处": "长理置在于", "部": "署分门长", "局": "长面势部", "厅": "长", "办": "公法理好成", "委": "员托",
    "科技园": "区", "研创园": "区", "软件园": "区", "创业园": "区",
    "政府": "的引投采", "平台": "的上", "计划": "经单", "工程": "师实", "规划": "展建布", "集团": "化",
}
#: Characters that, right before a head, show it is part of a word (深处, 全部, 设计划…).
NOT_BEFORE: dict[str, str] = {"处": "深到之各好难一两等相", "部": "全内外西东南北中局干总本",
                              "局": "格布当开",
                              "计划": "设", "方案": "提", "工程": "重", "平台": "共", "设施": "础"}

#: Words that stand between names (verbs, prepositions, conjunctions): a name never starts with one
#: and its left edge stops at one. Longer words are tried first.
BOUNDARY_WORDS = frozenset(" ".join((
    "与 且 个 为 也 了 于 从 以 任 其 兼 再 到 即 又",
    "及 同 向 和 在 均 如 对 将 就 并 或 所 把 指 按",
    "据 无 是 有 每 由 的 着 等 经 给 而 至 被 该 请",
    "赴 跟 过 还 都 下设 主要 争取 从而 以及 会同 依托 依靠 健全 入选 共同",
    "共建 具体 决定 凝练 出台 列入 利用 制定 加入 加大 加强 包括 协调 印发 原则 参与",
    "参观 发布 发挥 召开 合作 同意 启动 因此 围绕 培育 完善 实施 建立 开展 引进 形成",
    "成立 打造 批准 批复 承担 担任 指导 按照 探索 推动 提出 支持 改为 明确 更名 服务",
    "构建 根据 正式 牵头 申报 申请 纳入 组团 组建 组织 考察 联合 获批 落实 要求 视察",
    "设立 设置 调整 调研 负责 贯彻 通过 重点 重组 针对 更名为 建议",
    "其中 发起 布局 搭建 借鉴 创建 考虑 考量 聚焦 印发 列入 承载 设在 对接 已 建成 建有 拥有",
    "内设 另设 统筹 结合 实行 签署 出资 投向 安排 给予 认定 面向 在建 已建 代管 撤销 派出",
    "走访 对标 参照 位于 开工 运营 兼任 复函",
)).split())
#: Words a name never starts with, trimmed off the left of a name found (a verb that reads as part of
#: a name elsewhere: 建设 in 建设管理办公室, but not at the start of 建设张江综合性国家科学中心).
LEADING_TRIM = ("建设", "推进", "推动", "加快", "发展", "筹建", "新建", "共建", "依托", "围绕", "全面",
                "进一步", "积极", "大力", "重点", "主要", "一批", "一个", "多个", "各类", "相关", "有关",
                "现场", "国家级", "原", "集聚", "我国", "全国", "全市", "全省", "本市")
#: Titles of posts, longest first when matched.
POST_TITLES = ("常务副省长", "常务副市长", "分管副省长", "分管副市长", "常务副校长", "副校长", "校长",
               "副总经理", "总书记", "副总理", "总理", "副主席", "主席", "副省长", "省长",
               "副市长", "市长", "副区长", "区长", "副主任", "主任", "副部长", "部长", "副局长", "局长",
               "副处长", "处长", "副院长", "院长", "秘书长", "理事长", "董事长", "总经理", "副书记", "书记")
#: Common Chinese surnames (one character), for names next to a title.
SURNAMES = frozenset(
    "丁万丛严乐乔习于仇付仲任伍何佘余佟侯俞倪党全兰关冉农冯冷凌刁刘包匡华卓单卜卞卢卫"
    "古史叶司吉向吕吴周和唐商喻夏姚姜姬娄孔孙孟季宁安宋宗宫寇尚尤尹屈岑岳崔左巩巫师席"
    "常庄应庞康廖张彭徐成戚戴房敖文方施时明易晏景曲曹曾朱李杜杨林柏柯柳柴栾桂桑梁梅樊"
    "欧武段殷毕毛江池汤汪沈沙涂温游滕潘焦熊牛牟王甄甘田申白盛瞿石祁祝秦程穆窦章童符简"
    "管米纪缪罗翁翟耿聂肖胡胥臧舒艾芦苏苗苟范荣莫葛董蒋蒙蒲蓝蔡薛虞袁裴褚覃解詹许谢谭"
    "谷费贺贾赵路车辛边连邓邢邬邱邵邹郎郑郝郭金钟钱闫闵阮阳陆陈陶隋雷霍靳韦韩项顾颜饶"
    "马骆高魏鲁鲍麦黄黎齐龙龚"
)
#: Provinces and municipalities (short forms); X, X省 / X市 / X自治区 are one place.
PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
             "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
             "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆"})
#: Industries and fields these reports name.
INDUSTRIES = ("集成电路", "人工智能", "生物医药", "新能源汽车", "新能源", "新材料", "高端装备", "航空航天",
              "新一代信息技术", "信息技术", "量子信息", "智能制造", "数字经济", "医疗器械", "节能环保",
              "光电子",
              "半导体", "先进制造", "现代服务业", "金融服务", "文化创意", "大数据", "云计算", "物联网",
              "区块链", "生命健康", "光伏", "氢能", "储能", "软件和信息服务")
