"""Reason codes of the name rules: severity, Chinese and English explanation, legal basis.

Codes are a contract (the service's name-check endpoint and the kiosk's translation catalogue use
them); never rename one. Codes shared with registry_service/rules.py keep their meaning there.
"""

from __future__ import annotations

from dataclasses import dataclass

from registry_service.reasons import REASONS as SERVICE_REASONS

REJECT, REVIEW, WARN = "reject", "review", "warn"

# Citations: 《个体工商户名称登记管理办法》(国家工商行政管理总局令第38号, 2008) = 个体名称办法;
# 《企业名称登记管理规定》(国务院令第734号, 2020) = 名称规定, which individual-business naming follows
# where the 2008 rules are silent.
BASIS_STRUCTURE = "个体名称办法第六条"
BASIS_PLACE = "个体名称办法第八条第二款"
BASIS_INDUSTRY = "个体名称办法第九条"
BASIS_FORM = "个体名称办法第十条"
BASIS_CONTENT = "个体名称办法第十一条"
BASIS_CHARS = "个体名称办法第十一条第（七）（八）项；名称规定第六条；《通用规范汉字表》（国发〔2013〕23号）"


@dataclass(frozen=True)
class Reason:
    severity: str
    zh: str
    en: str
    basis: str


REASONS: dict[str, Reason] = {
    "division_unknown": Reason(REJECT, "行政区划不在目录中", "Unknown administrative division", BASIS_STRUCTURE),
    "name_too_short": Reason(REJECT, "字号至少需要两个汉字", "The trade name needs at least two characters",
                             "名称规定第八条"),
    "name_too_long": Reason(REJECT, "字号不能超过十个汉字", "The trade name may have at most ten characters",
                            "本系统登记政策（国家规定未设上限）"),
    "name_latin_letters": Reason(REJECT, "字号不得含有汉语拼音、字母或外国文字",
                                 "The trade name may not contain pinyin, Latin or other foreign letters",
                                 BASIS_CHARS),
    "name_digits": Reason(REJECT, "字号不得含有阿拉伯数字，数目请用汉字书写",
                          "The trade name may not contain digits: write numbers in Chinese characters",
                          BASIS_CHARS),
    "name_punctuation": Reason(REJECT, "字号不得含有标点符号、空格或其他符号",
                               "The trade name may not contain punctuation, spaces or other symbols", BASIS_CHARS),
    "name_traditional_character": Reason(REJECT, "字号不得使用繁体字，请改用规范简化字",
                                         "Traditional characters are not allowed: use the simplified form",
                                         BASIS_CHARS),
    "name_variant_character": Reason(REJECT, "字号不得使用异体字，请改用规范字",
                                     "Variant characters are not allowed: use the standard form", BASIS_CHARS),
    "name_nonstandard_character": Reason(REJECT, "字号含有不在《通用规范汉字表》中的字",
                                         "A character is not in the Table of General Standard Chinese Characters",
                                         BASIS_CHARS),
    "name_forbidden_word": Reason(REJECT, "字号不得含有“中国”“中华”“全国”“国家”“国际”等字词",
                                  "The trade name may not contain 中国, 中华, 全国, 国家 or 国际",
                                  "个体名称办法第十一条第（六）项；名称规定第十二条"),
    "name_official_body": Reason(REJECT, "名称不得使用党政军机关、群团组织名称或部队番号",
                                 "The name may not use the name of a party, state or military body",
                                 "个体名称办法第十一条第（五）项；名称规定第十一条第（三）项"),
    "name_prohibited_content": Reason(REJECT, "名称不得含有淫秽、色情、赌博、迷信、恐怖、暴力等内容",
                                      "The name may not refer to obscenity, gambling, superstition, terror or "
                                      "violence", "名称规定第十一条第（五）项"),
    "name_foreign_state": Reason(REVIEW, "名称可能含有外国国家（地区）或国际组织名称，需人工审核",
                                 "The name may contain the name of a foreign state or international "
                                 "organisation: manual review",
                                 "个体名称办法第十一条第（四）项；名称规定第十一条第（四）项"),
    "name_misleading_word": Reason(REVIEW, "名称含有可能使公众误解的字词（如“特供”“驰名”），需人工审核",
                                   "The name contains words that may mislead the public (e.g. 特供, 驰名): "
                                   "manual review", "个体名称办法第十一条第（三）项；名称规定第十一条第（八）项"),
    "name_place_name": Reason(REVIEW, "县级以上行政区划名称不得用作字号（地名另有含义的除外），需人工审核",
                              "A county-level or higher place name may not be the trade name unless it has "
                              "another meaning: manual review", BASIS_PLACE),
    "name_taken": Reason(REJECT, "同一登记机关同行业已有相同字号",
                         "This trade name is already registered in the same industry at the same authority",
                         "个体名称办法（同一登记机关同行业名称不得相同）"),
    "name_homophone": Reason(WARN, "与本登记机关同行业已登记字号读音相同或相近，可能引起混淆",
                             "Sounds the same as or close to a trade name already registered in this industry "
                             "here: it may be confused", "名称规定第十一条第（八）项"),
    "name_similar": Reason(WARN, "与本登记机关同行业已登记字号仅差一字，可能引起混淆",
                           "Differs by one character from a trade name already registered in this industry "
                           "here: it may be confused", "名称规定第十一条第（八）项"),
    "industry_term_missing": Reason(REJECT, "名称须含有反映经营内容的行业表述",
                                    "The name needs an industry term describing the business", BASIS_STRUCTURE),
    "industry_term_too_long": Reason(REJECT, "行业表述不能超过六个汉字", "The industry term may have at most six "
                                     "characters", "本系统登记政策（国家规定未设上限）"),
    "industry_term_unrelated": Reason(WARN, "行业表述与所选行业类别不一致，请确认",
                                      "The industry term does not match the chosen industry class: please check",
                                      BASIS_INDUSTRY),
    "organisation_form_missing": Reason(REJECT, "名称须以组织形式结尾（如“店”“馆”“部”）",
                                        "The name must end with an organisation form (e.g. 店, 馆, 部)",
                                        BASIS_STRUCTURE),
    "organisation_form_not_allowed": Reason(REJECT, "个体工商户不得使用该组织形式（如“公司”“企业”“合作社”）",
                                            "This organisation form is not allowed for an individual business "
                                            "(e.g. 公司, 企业, 合作社)", BASIS_FORM),
}

# Codes the service's instant-approval rules already use keep the service's wording, so that each
# code has one text in the translation catalogues.
for _code, (_zh, _en) in SERVICE_REASONS.items():
    if _code in REASONS:
        REASONS[_code] = Reason(REASONS[_code].severity, _zh, _en, REASONS[_code].basis)

SEVERITY_ORDER = (REJECT, REVIEW, WARN)
