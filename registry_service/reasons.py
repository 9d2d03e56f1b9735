"""Plain-language texts of the decision reason codes (Chinese first, English second).

The codes are the contract; these texts are a starting point for the kiosk's translation
catalogue, kept next to the rules so that a new rule cannot ship without its wording
(tests/registry_service/test_reasons.py)."""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "id_number_invalid": ("身份证号码无效（校验位或出生日期错误）",
                          "The ID number is invalid (check digit or birth date)"),
    "id_birth_date_mismatch": ("出生日期与身份证号码不一致",
                               "The birth date does not match the ID number"),
    "operator_name_invalid": ("经营者姓名只能包含汉字和间隔号“·”",
                              "The operator's name may contain only Chinese characters and '·'"),
    "operator_underage": ("经营者须年满16周岁", "The operator must be at least 16 years old"),
    "operator_minor_review": ("经营者未满18周岁，需人工审核",
                              "Operators aged 16-17 need a manual review"),
    "operator_recent_application": ("经营者近期已在同一登记机关提交过申请，转人工审核，以免重复登记",
                                    "The operator applied at the same authority recently: manual "
                                    "review, so that nothing is registered twice"),
    "operator_foreign_review": ("持外国人永久居留身份证申请个体工商户登记，需人工审核",
                                "A holder of a foreign permanent resident ID card is registered after a "
                                "manual review"),
    "name_too_short": ("字号至少需要两个汉字", "The trade name needs at least two characters"),
    "name_too_long": ("字号不能超过十个汉字", "The trade name may have at most ten characters"),
    "name_forbidden_word": ("字号不得含有“中国”“中华”“全国”“国家”“国际”等字词",
                            "The trade name may not contain 中国, 中华, 全国, 国家 or 国际"),
    "name_invalid_characters": ("字号只能使用汉字，不得含有拼音、外文字母、数字或标点",
                                "The trade name may use only Chinese characters: no pinyin, "
                                "Latin letters, digits or punctuation"),
    "organisation_form_not_allowed": ("个体工商户不得使用该组织形式（如“公司”“企业”“合作社”）",
                                      "This organisation form is not allowed for an individual "
                                      "business (e.g. 公司, 企业, 合作社)"),
    "name_taken": ("同一登记机关同行业已有相同字号", "This trade name is already registered in "
                   "the same industry at the same authority"),
    "industry_unknown": ("行业不在目录中", "Unknown industry"),
    "division_unknown": ("行政区划不在目录中", "Unknown administrative division"),
    "scope_empty": ("请至少选择一项经营范围", "Choose at least one business-scope item"),
    "scope_unknown_item": ("经营范围含有目录外项目", "A business-scope item is not in the catalogue"),
    "scope_prior_permit": ("经营范围含前置许可项目，需先取得许可，转人工审核",
                           "A business-scope item needs a permit before registration: "
                           "manual review"),
    "scope_post_permit": ("经营范围含后置许可项目：领取执照后须取得相关许可方可经营",
                          "Some business-scope items need a permit after registration before "
                          "trading starts"),
    "premises_not_in_list": ("经营场所不在该辖区的地址目录中",
                             "The premises are not on the address list of this division"),
    "premises_house_number_invalid": ("经营场所门牌号格式不正确（例如“1001号”）",
                                      "The house number is malformed (e.g. 1001号)"),
}
