"""Accepted means printed: an indicator field the chosen form profile prints nowhere is an error
(E303) that names the fields the profile's tables do have, never a value silently left out."""

from __future__ import annotations

from .findings import Finding
from .model import Declaration, SelfEvaluation
from .profiles import BREAKDOWNS, SCORING_INPUTS, Profile
from .source import Source

INDICATORS = "绩效指标"
BUDGET = "预算整体情况"
# The profile tables that print a kind's indicators.
TABLES = {Declaration: ("申报表绩效指标",), SelfEvaluation: ("指标设定", "自评表绩效指标")}


def placement_findings(source: Source, model: object, profile: Profile) -> list[Finding]:
    """For the department's declaration and self-evaluation (the kinds whose tables a profile sets)."""
    if not isinstance(model, Declaration | SelfEvaluation):
        return []
    printed = profile.printed_keys(TABLES[type(model)])
    findings = breakdown_findings(source, model, profile) if isinstance(model, Declaration) else []
    for key in model.header:
        if key not in profile.header_fields:
            fields = "、".join(profile.header_fields) or "（无）"
            findings.append(source.finding(
                "E303", f"表头栏目“{key}”在表式“{profile.title}”（{profile.name}）中没有位置，不会印出；"
                        f"本表式的表头栏目有：{fields}", ("表头", key), key=True))
    for first, seconds in model.indicators.items():
        for second, items in seconds.items():
            for i, item in enumerate(items or ()):
                fields = type(item).model_fields
                for name in sorted(item.model_fields_set):
                    key = fields[name].alias or name
                    if key in printed or key in SCORING_INPUTS or getattr(item, name) is None:
                        continue
                    findings.append(source.finding(
                        "E303",
                        f"“{key}”在表式“{profile.title}”（{profile.name}）的表中没有位置，不会印出；"
                        f"本表式的指标栏目有：{'、'.join(sorted(printed, key=_order(profile, type(model))))}。"
                        f"请删去此项，或在 department.yaml 中选用有此栏目的表式（表式: …）",
                        (INDICATORS, first, second, i, key), key=True,
                    ))
    return findings


def breakdown_findings(source: Source, model: Declaration, profile: Profile) -> list[Finding]:
    """事业发展性支出 and 按预算级次划分 are written exactly when the profile's form has them."""
    given = {"事业发展性支出": model.budget.expenditure.development, "按预算级次划分": model.budget.levels,
             "近两年收支金额": model.budget.recent_years}
    findings = []
    for name, place in BREAKDOWNS.items():
        if given[name] is not None and name not in profile.breakdowns:
            findings.append(source.finding(
                "E303", f"表式“{profile.title}”（{profile.name}）的预算整体情况没有“{name}”，不会印出；请删去此项，"
                        "或选用有此口径的表式", (BUDGET, *place), key=True))
        elif given[name] is None and name in profile.breakdowns:
            findings.append(source.finding(
                "E305", f"表式“{profile.title}”（{profile.name}）的预算整体情况有“{name}”，请填写", (BUDGET, *place[:-1]),
                key=True))
    return findings


def _order(profile: Profile, kind: type) -> callable:
    keys = [c.key for name in TABLES[kind] for c in profile.columns(name)]
    return keys.index
