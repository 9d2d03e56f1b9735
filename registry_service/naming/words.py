"""Word lists of the name rules, each tied to the provision it applies.

The regulations name categories, not complete word lists: the lists below are this project's
reading of them (the words a registration officer would refuse on sight) and are meant to be
extended by the authority. Matching is on the whole name after the 行政区划 segment.
"""

from __future__ import annotations

# 个体名称办法第十一条第（六）项 lists 中国 中华 全国 国家 国际; 名称规定第十二条 adds 中央.
FORBIDDEN = ("中国", "中华", "全国", "国家", "国际", "中央")

# 个体名称办法第十一条第（五）项: party, state and military bodies, mass organisations, unit numbers.
OFFICIAL_BODIES = (
    "共产党", "党委", "党支部", "纪委", "监委", "人民政府", "政府", "人大", "政协", "国务院",
    "人民法院", "法院", "检察院", "公安", "派出所", "警察", "警用", "武警", "解放军", "军队",
    "部队", "军区", "军分区", "军用", "海关", "税务局", "市场监督管理局", "工商局", "共青团",
    "妇联", "总工会", "红十字会",
)

# 名称规定第十一条第（五）项.
PROHIBITED_CONTENT = (
    "淫秽", "色情", "赌博", "赌场", "博彩", "迷信", "算命", "恐怖", "暴力", "毒品", "黑社会",
)

# 个体名称办法第十一条第（三）项 / 名称规定第十一条第（八）项: suggests state supply or official rank.
MISLEADING = ("特供", "专供", "国宾", "国宴", "驰名", "官方", "御用")

# 个体名称办法第十一条第（四）项: names of foreign states and international organisations (common
# short forms). Review, not reject: a short form can occur inside an unrelated word.
FOREIGN_STATES = (
    "美国", "英国", "法国", "德国", "日本", "韩国", "朝鲜", "俄罗斯", "意大利", "西班牙", "葡萄牙",
    "荷兰", "瑞士", "瑞典", "挪威", "丹麦", "芬兰", "加拿大", "澳大利亚", "新西兰", "印度",
    "泰国", "越南", "新加坡", "马来西亚", "印度尼西亚", "菲律宾", "巴西", "阿根廷", "墨西哥",
    "埃及", "南非", "土耳其", "以色列", "伊朗", "联合国", "欧盟", "世贸组织", "奥委会",
)

# 个体名称办法第十条 names 厂 店 馆 部 行 中心 "等"; the others are forms registration authorities
# accept in practice for shops and workshops.
FORMS_CITED = ("厂", "店", "馆", "部", "行", "中心")
FORMS_PRACTICE = ("坊", "社", "室", "屋", "铺", "摊", "堂", "庄", "园", "场", "站", "所", "院", "城", "阁", "斋", "居")
FORMS = FORMS_CITED + FORMS_PRACTICE

# 个体名称办法第十条: never 企业, 公司, 农民专业合作社; the others name legal forms an individual
# business cannot have.
FORMS_FORBIDDEN = ("有限责任公司", "有限公司", "股份公司", "公司", "企业", "合作社", "集团", "合伙", "股份")

# The 55 recognised minority nationalities: stripped from autonomous units' names to find the
# place name proper (延边朝鲜族自治州 -> 延边).
NATIONALITIES = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)

# Administrative suffixes, longest first.
DIVISION_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
    "省", "市", "区", "县", "旗", "盟",
)
