"""Cross-field rules. Each check yields located findings; codes are documented in docs/checks.md."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import chain, derive, scoring
from .findings import Finding, Path, Severity, format_path
from .format import money, pct, wide
from .format import plain_number as _plain
from .model import Declaration, Department, SelfEvaluation, Settings
from .model.common import Waiver
from .prose import ProseRenderer, document_data
from .source import Source, iter_strings
from .taxonomy import Taxonomy


@dataclass
class CheckContext:
    source: Source
    document: Declaration | SelfEvaluation
    department: Department | None
    folder_year: int | None
    taxonomy: Taxonomy
    settings: Settings = field(default_factory=Settings)
    # The chain with the other document of the same year (declaration ↔ self-evaluation).
    counterpart: Source | None = None  # the other document's source, to point at its lines
    chain: chain.Link | None = None
    sibling_broken: bool = False  # the other document exists but could not be read
    figures: Any = None  # the document's derived figures, computed once (documents._derive)
    scorecard: Any = None  # its scoring.Scorecard, for a kind that is scored
    parts: list[Any] = field(default_factory=list)  # documents.Sibling of each project of its year
    references: list[tuple[Path, str, str]] = field(default_factory=list)  # from filling the text
    namespace: Callable[[Any], dict[str, Any]] = document_data  # what the text may reference (the kind's)
    department_file: str | None = None  # department.yaml as displayed, when it exists

    def error(self, code: str, message: str, path: Path, *, key: bool = False,
              value: Decimal | str | None = None) -> Finding:
        """`key`: point at the key, for a section whose value starts on a later line; `value`: the
        written value the check judged, which a waiver must name."""
        return self.source.finding(code, message, path, key=key, value=value)

    def warning(self, code: str, message: str, path: Path, *, key: bool = False) -> Finding:
        return self.source.finding(code, message, path, warning=True, key=key)


Check = Callable[[CheckContext], Iterator[Finding]]


def never_waived(check: Check) -> Check:
    """Marks a check whose findings no 豁免 waives: it bounds the rendering."""
    check.never_waived = True  # type: ignore[attr-defined]
    return check


def check_sum(
    ctx: CheckContext, total: Decimal, parts: Sequence[Decimal], path: Path, label: str,
    *, key: bool = False,
) -> Iterator[Finding]:
    """E201: a stated total against the sum of its parts, within rounding."""
    computed = sum(parts, Decimal(0))
    if abs(total - computed) > derive.sum_tolerance(parts):
        yield ctx.error(
            "E201",
            f"{label}为 {money(total)}，但各项之和为 {money(computed)}（相差 {money(total - computed)}）",
            path, key=key, value=total,
        )


def check_share(
    ctx: CheckContext, stated: Decimal | None, part: Decimal, whole: Decimal, path: Path, label: str
) -> Iterator[Finding]:
    """E203: a stated share (占比) against part ÷ whole."""
    yield from _check_percent(ctx, "E203", "按金额计算应为", stated, part, whole, path, label)


def check_rate(
    ctx: CheckContext, stated: Decimal | None, part: Decimal, whole: Decimal, path: Path, label: str
) -> Iterator[Finding]:
    """E204: a stated rate (执行率, 变动率) against its computed value."""
    yield from _check_percent(ctx, "E204", "按数据计算应为", stated, part, whole, path, label)


def _check_percent(ctx: CheckContext, code: str, computed_phrase: str, stated: Decimal | None,
                   part: Decimal, whole: Decimal, path: Path, label: str) -> Iterator[Finding]:
    computed = derive.percent(part, whole)
    if stated is None or computed is None:
        return
    if abs(stated - computed) <= derive.percent_tolerance(stated, part, whole):
        return
    as_percent = stated.scaleb(2)  # 0.6923 → 69.23, at the precision written
    if 0 < stated <= 1 < computed and abs(as_percent - computed) <= derive.percent_tolerance(as_percent, part, whole):
        yield ctx.error("E925", f"{label}写为 {_plain(stated)}，是小数写法？百分数应为：{_plain(as_percent)}%",
                        path, value=stated)
        return
    yield ctx.error(code, f"{label}写为 {pct(stated)}，{computed_phrase} {pct(computed)}", path, value=stated)


# --- declaration -------------------------------------------------------------------------------

BUDGET = ("预算整体情况",)


def declaration_breakdowns(ctx: CheckContext) -> Iterator[Finding]:
    doc: Declaration = ctx.document  # type: ignore[assignment]
    spending, income, levels = doc.budget.expenditure, doc.budget.income, doc.budget.levels
    development = spending.development
    development_parts = [development.special_funds, development.other] if development else []
    stated = [
        (spending.stated_total, [spending.basic, spending.project, *development_parts],
         (*BUDGET, "部门预算支出", "合计"), "部门预算支出合计"),
        (income.stated_total, [income.appropriation, income.other],
         (*BUDGET, "收入来源", "合计"), "收入来源合计"),
    ]
    if development:
        stated.insert(0, (development.stated_total, development_parts,
                          (*BUDGET, "部门预算支出", "事业发展性支出", "合计"), "事业发展性支出合计"))
    if levels:
        stated.append((levels.stated_total, [levels.district, levels.transfers],
                       (*BUDGET, "按预算级次划分", "合计"), "按预算级次划分合计"))
    for total, parts, path, label in stated:
        if total is not None:
            yield from check_sum(ctx, total, parts, path, label)


def declaration_identity(ctx: CheckContext) -> Iterator[Finding]:
    """E202: 部门预算支出, 收入来源 and 按预算级次划分 are three breakdowns of one total."""
    doc: Declaration = ctx.document  # type: ignore[assignment]
    figures = ctx.figures or derive.declaration_figures(doc)
    spending, income, levels = doc.budget.expenditure, doc.budget.income, doc.budget.levels
    development = spending.development
    spending_parts = [spending.basic, spending.project,
                      *([development.special_funds, development.other] if development else [])]
    breakdowns = [("收入来源", figures.income_total, [income.appropriation, income.other], "收入来源")]
    if levels and figures.levels_total is not None:
        breakdowns.append(("按预算级次划分", figures.levels_total, [levels.district, levels.transfers], "按预算级次划分"))
    for label, total, parts, key in breakdowns:
        tolerance = derive.sum_tolerance([*spending_parts, *parts])
        if abs(total - figures.expenditure_total) > tolerance:
            yield ctx.error(
                "E202",
                f"{label}合计 {money(total)} 与部门预算支出合计 {money(figures.expenditure_total)} 不相等"
                f"（相差 {money(total - figures.expenditure_total)}）；三种口径的合计应相同",
                (*BUDGET, key), key=True,
            )


def declaration_recent_years(ctx: CheckContext) -> Iterator[Finding]:
    """E209: 近两年收支金额 gives the two years before the budget year, the earlier first."""
    doc: Declaration = ctx.document  # type: ignore[assignment]
    expected = [doc.year - 2, doc.year - 1]
    for i, (entry, year) in enumerate(zip(doc.budget.recent_years or (), expected, strict=False)):
        if entry.year != year:
            yield ctx.error("E209", f"近两年收支金额第 {i + 1} 项的年度为 {entry.year}，应为 {year}"
                                    f"（{doc.year}年申报表依次填写 {expected[0]}、{expected[1]} 两年）",
                            (*BUDGET, "近两年收支金额", i, "年度"))


# --- self-evaluation ---------------------------------------------------------------------------

FINANCES = ("基本情况", "收支情况")


def self_evaluation_income(ctx: CheckContext) -> Iterator[Finding]:
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    income = doc.background.finances.income
    amounts = [s.amount for s in income.sources]
    total = sum(amounts, Decimal(0))
    if income.stated_total is not None:
        yield from check_sum(ctx, income.stated_total, amounts, (*FINANCES, "收入", "合计"), "收入合计")
    for i, source in enumerate(income.sources):
        path = (*FINANCES, "收入", "来源", i)
        yield from check_share(ctx, source.stated_share, source.amount, total,
                               (*path, "占比"), f"“{source.name}”占本年总收入的比例")
        if source.stated_execution is not None and source.stated_execution != source.amount:
            yield ctx.error(
                "E206",
                f"“{source.name}”的预算执行数写为 {money(source.stated_execution)}，"
                f"与收入中的 {money(source.amount)} 不一致（同一数字前后应相同）",
                (*path, "预算执行表述"), value=source.stated_execution,
            )


def self_evaluation_expenditure(ctx: CheckContext) -> Iterator[Finding]:
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    spending = doc.background.finances.expenditure
    figures = ctx.figures or derive.self_evaluation_figures(doc)
    base = (*FINANCES, "支出")
    if spending.stated_total is not None:
        yield from check_sum(ctx, spending.stated_total, [spending.basic.amount, spending.project.amount],
                             (*base, "合计"), "支出合计")
    for key, block in (("基本支出", spending.basic), ("项目支出", spending.project)):
        yield from check_share(ctx, block.stated_share, block.amount, figures.expenditure_total,
                               (*base, key, "占比"), f"{key}占本年支出合计的比例")
        if block.parts:
            yield from check_sum(ctx, block.amount, [p.amount for p in block.parts],
                                 (*base, key, "金额"), key)
        for i, part in enumerate(block.parts):
            yield from check_share(ctx, part.stated_share, part.amount, block.amount,
                                   (*base, key, "明细", i, "占比"), f"“{part.name}”占{key}的比例")
    if spending.by_function:
        yield from check_sum(ctx, figures.expenditure_total, [f.amount for f in spending.by_function],
                             (*base, "按功能分类"), "支出合计（基本支出＋项目支出）与按功能分类", key=True)


def self_evaluation_change(ctx: CheckContext) -> Iterator[Finding]:
    """E205: the change against last year, stated or explained, against the computed one."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    spending = doc.background.finances.expenditure
    figures = ctx.figures or derive.self_evaluation_figures(doc)
    base = (*FINANCES, "支出")
    if figures.change is None:
        if spending.stated_change is not None or spending.change_reasons:
            yield ctx.error("E001", "写了较上年变动，但缺少“上年支出合计”", (*base, "上年支出合计"),
                            key=True)
        return
    if spending.stated_change is not None:
        tolerance = derive.half_unit(spending.stated_change) + derive.sum_tolerance(
            [spending.basic.amount, spending.project.amount, spending.previous_total])
        if abs(spending.stated_change - figures.change) > tolerance:
            yield ctx.error("E205", f"较上年变动写为 {money(spending.stated_change)}，"
                            f"按本年与上年支出计算应为 {money(figures.change)}", (*base, "较上年变动"),
                            value=spending.stated_change)
    yield from check_rate(ctx, spending.stated_change_rate, figures.change, spending.previous_total,
                          (*base, "较上年变动率"), "较上年变动率")
    if spending.change_reasons:
        reasons = [r.change for r in spending.change_reasons]
        # The change itself comes from three rounded figures, as for 较上年变动 above.
        if abs(sum(reasons, Decimal(0)) - figures.change) > derive.sum_tolerance(
            [*reasons, spending.basic.amount, spending.project.amount, spending.previous_total]
        ):
            yield ctx.error(
                "E205",
                f"各项变动原因之和为 {money(sum(reasons, Decimal(0)))}，与支出较上年变动 "
                f"{money(figures.change)} 不符",
                (*base, "变动原因"), key=True,
            )


def self_evaluation_rates(ctx: CheckContext) -> Iterator[Finding]:
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    finances = doc.background.finances
    figures = ctx.figures or derive.self_evaluation_figures(doc)
    yield from check_rate(ctx, finances.budget.stated_execution_rate, figures.expenditure_total,
                          finances.budget.adjusted, (*FINANCES, "预算", "预算执行率"), "预算执行率")
    for i, project in enumerate(doc.analysis.projects):
        if project.budget is None or project.executed is None:  # E912 (projects.py)
            continue
        yield from check_rate(ctx, project.stated_rate, project.executed, project.budget,
                              ("综合评价分析", "重点任务项目支出", i, "预算执行率"),
                              f"“{project.name}”的预算执行率")


def self_evaluation_counts(ctx: CheckContext) -> Iterator[Finding]:
    """E207: 其中 breakdowns of staff groups add up to the group."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    for i, group in enumerate(doc.background.staffing.groups):
        if group.parts and sum(p.count for p in group.parts) != group.count:
            yield ctx.error(
                "E207",
                f"{group.category}为 {group.count} 人，但“其中”各项之和为 {sum(p.count for p in group.parts)} 人",
                ("基本情况", "人员情况", "人员", i, "人数"),
            )


def self_evaluation_project_groups(ctx: CheckContext) -> Iterator[Finding]:
    """E208: the funds of the evaluated projects add up to 项目支出."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    groups = doc.analysis.conclusion.project_groups
    if not groups:
        return
    funds = [g.funds for g in groups]
    project = doc.background.finances.expenditure.project.amount
    if abs(sum(funds, Decimal(0)) - project) > derive.sum_tolerance(funds):
        yield ctx.error(
            "E208",
            f"自评涉及的项目资金合计 {money(sum(funds, Decimal(0)))} 与项目支出 {money(project)} 不一致",
            ("综合评价分析", "自评结论", "项目构成"), key=True,
        )


@never_waived
def self_evaluation_department(ctx: CheckContext) -> Iterator[Finding]:
    """E902: 一、(一) 部门概况 prints 部门职能 and 机构情况 from department.yaml; nothing stands in."""
    if ctx.department is None and ctx.department_file is not None:
        return  # department.yaml has errors of its own
    where = ctx.department_file or "department.yaml（应在年度文件夹的上一级）"
    missing = ["部门职能", "机构情况"] if ctx.department is None else [
        label for label, value in (("部门职能", ctx.department.functions),
                                   ("机构情况", ctx.department.organisation)) if value is None]
    if missing:
        found = "中缺少" if ctx.department is not None else "不存在，缺少"
        yield ctx.error("E902", f"自评报告“部门概况”要印出{'和'.join(missing)}，但 {where} {found}"
                        f"“{'”“'.join(missing)}”；请在 department.yaml 中填写", ("部门名称",), key=True)


@never_waived
def self_evaluation_zero_wholes(ctx: CheckContext) -> Iterator[Finding]:
    """E926: a share or rate the report prints has a whole of 0: it would print “—”, not a figure."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    finances = doc.background.finances
    spending = finances.expenditure
    wholes: list[tuple[Decimal | None, Path, str, str]] = [
        (sum((s.amount for s in finances.income.sources), Decimal(0)), (*FINANCES, "收入", "来源"),
         "收入合计", "各项收入占本年总收入的比例"),
        (spending.basic.amount + spending.project.amount, (*FINANCES, "支出"), "支出合计",
         "基本支出和项目支出的占比"),
        (finances.budget.adjusted, (*FINANCES, "预算", "全年预算数"), "全年预算数", "预算执行率（自评表的执行率和得分）"),
        (spending.previous_total, (*FINANCES, "支出", "上年支出合计"), "上年支出合计", "较上年的增长率"),
    ]
    for key, block in (("基本支出", spending.basic), ("项目支出", spending.project)):
        if block.parts:
            wholes.append((block.amount, (*FINANCES, "支出", key, "金额"), key, "各明细的占比"))
    for i, project in enumerate(doc.analysis.projects):
        wholes.append((project.budget, ("综合评价分析", "重点任务项目支出", i, "全年预算数"),
                       f"“{project.name}”的全年预算数", "预算执行率"))
    for whole, path, label, what in wholes:
        if whole is not None and whole == 0:
            yield ctx.error("E926", f"{label}为 0，报告中的{what}无法计算（会印成“—”）；请填写实际金额", path)


def self_evaluation_scoring(ctx: CheckContext) -> Iterator[Finding]:
    """E601–E608, W601–W606: the 自评表 scored after the settings (财预〔2020〕10号 by default)."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    card = ctx.scorecard or scoring.score(doc, ctx.settings.scoring)
    for problem in card.problems:
        yield ctx.source.finding(problem.code, problem.message, problem.path, warning=problem.warning,
                                 key=problem.key, value=problem.value)


def self_evaluation_chain(ctx: CheckContext) -> Iterator[Finding]:
    """E001 for what neither file states, E609 conflicts, W604 plans not evaluated, W607."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    if ctx.sibling_broken:
        where = f"（{ctx.counterpart.file}）" if ctx.counterpart else ""
        yield ctx.warning("W607", f"同年度的申报表{where}有错误，未能引用其中的年度指标值和年度重点工作任务；"
                          "请先修正申报表", ())
    if ctx.chain is None:
        note = "" if ctx.sibling_broken else "（没有同年度的申报表可供引用）"
    else:
        note = "（同年度申报表中没有同名的指标或任务）"
        for conflict in ctx.chain.conflicts:
            yield ctx.error("E609", _conflict_message(ctx, conflict, evaluation_side=True),
                            conflict.evaluation_path)
        for plan in ctx.chain.unevaluated:
            yield ctx.warning("W604", f"申报表中的{plan.subject}{_there(ctx, plan.declaration_path)}"
                              "未在自评中评价", plan.evaluation_path, key=True)
    for parent, key in chain.missing(doc):
        yield ctx.error("E001", f"缺少必填项“{key}”{note}", parent)


def declaration_chain(ctx: CheckContext) -> Iterator[Finding]:
    """E609 on the declaration's side: the self-evaluation states something else."""
    if ctx.chain is None:
        return
    for conflict in ctx.chain.conflicts:
        yield ctx.error("E609", _conflict_message(ctx, conflict, evaluation_side=False),
                        conflict.declaration_path)


def _conflict_message(ctx: CheckContext, conflict: chain.Conflict, *, evaluation_side: bool) -> str:
    if evaluation_side:
        return (f"{conflict.subject}的{conflict.label}写为“{conflict.evaluation_value}”，与申报表中的"
                f"“{conflict.declaration_value}”不一致{_there(ctx, conflict.declaration_path)}；"
                "此项取自申报表，自评中可不填写")
    return (f"{conflict.subject}的{conflict.label}为“{conflict.declaration_value}”，与自评报告中所写的"
            f"“{conflict.evaluation_value}”不一致{_there(ctx, conflict.evaluation_path)}")


def _there(ctx: CheckContext, path: Path) -> str:
    """（见 …/declaration.yaml 第 12 行）: where the other file states it."""
    if ctx.counterpart is None:
        return ""
    return f"（见 {ctx.counterpart.file} 第 {ctx.counterpart.position(path).line} 行）"


# --- shared ------------------------------------------------------------------------------------


def fill_references(ctx: CheckContext) -> None:
    """Every text field's `{{ … }}` filled in, inside the sandbox, before anything reads the text:
    the checks and scores judge, and every output prints, the same words."""
    renderer = ProseRenderer(ctx.namespace(ctx.document))
    ctx.document = renderer.fill(ctx.document)
    ctx.references = renderer.problems


def prose_references(ctx: CheckContext) -> Iterator[Finding]:
    """E501–E503, W504: every data reference in the author's text resolves, inside the sandbox."""
    for path, code, message in ctx.references:
        yield ctx.warning(code, message, path) if code.startswith("W") else ctx.error(code, message, path)


FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+|www\.\S+")


def half_width_punctuation(text: str) -> Iterator[int]:
    """Indexes of `, : ; ( )` written half-width in Chinese text.

    `, : ;` stand between Chinese on both sides; `(` opens before Chinese after Chinese or at the
    start, `)` closes after Chinese before Chinese or at the end. Spaces next to the mark are
    skipped. Figures (1,234.50), times (10:30), ASCII text and URLs are left alone.
    """
    masked = _URL.sub(lambda m: " " * len(m.group()), text)
    for i, char in enumerate(masked):
        if char not in FULL_WIDTH:
            continue
        before = masked[:i].rstrip(" \t")[-1:]
        after = masked[i + 1 :].lstrip(" \t")[:1]
        chinese_before = bool(before) and wide(before)
        chinese_after = bool(after) and wide(after)
        if char == "(":
            flagged = chinese_after and (chinese_before or not before)
        elif char == ")":
            flagged = chinese_before and (chinese_after or not after)
        else:
            flagged = chinese_before and chinese_after
        if flagged:
            yield i


def punctuation(ctx: CheckContext) -> Iterator[Finding]:
    """W010 in the document."""
    return punctuation_findings(ctx.source)


def punctuation_findings(source: Source) -> Iterator[Finding]:
    """W010: half-width `, : ; ( )` in Chinese text, each at its line:col, with the full-width fix."""
    for path, text in iter_strings(source.data):
        for index in half_width_punctuation(text):
            char = text[index]
            yield Finding(source.file, source.written_at(path, char, text[:index].count(char)),
                          Severity.WARNING, "W010", f"中文中的半角标点“{char}”应为全角“{FULL_WIDTH[char]}”",
                          tuple(path))


# A PDF table of 1,000 rows takes about 4 s and 320 MB; one of 5,000 rows took 21–37 s and 850 MB.
MAX_TABLE_ROWS = 1000


@never_waived
def declaration_table_sizes(ctx: CheckContext) -> Iterator[Finding]:
    """E110 for the declaration's tables (never waived: it bounds the rendering)."""
    doc: Declaration = ctx.document  # type: ignore[assignment]
    return table_sizes(ctx, (("年度重点工作任务",), "年度重点工作任务", len(doc.key_tasks)))


@never_waived
def self_evaluation_table_sizes(ctx: CheckContext) -> Iterator[Finding]:
    """E110 for the self-evaluation's tables (never waived: it bounds the rendering)."""
    doc: SelfEvaluation = ctx.document  # type: ignore[assignment]
    return table_sizes(ctx, (("综合评价分析", "任务完成情况"), "任务完成情况", len(doc.analysis.tasks)))


def table_sizes(ctx: CheckContext, *tables: tuple[Path, str, int]) -> Iterator[Finding]:
    """E110: no table is longer than MAX_TABLE_ROWS rows; the 绩效指标 table is counted here."""
    indicators = sum(len(items) for seconds in ctx.document.indicators.values() for items in seconds.values())
    for path, label, rows in (*tables, (("绩效指标",), "绩效指标", indicators)):
        if rows > MAX_TABLE_ROWS:
            yield ctx.error("E110", f"“{label}”表格共 {rows} 行，超过上限 {MAX_TABLE_ROWS} 行；请精简或拆分",
                            path, key=True)


def indicator_taxonomy(ctx: CheckContext) -> Iterator[Finding]:
    """E301/E302: each 一级 is known and each 二级 belongs to its 一级."""
    for first, seconds in ctx.document.indicators.items():
        if first not in ctx.taxonomy.levels:
            yield ctx.error("E301", ctx.taxonomy.unknown_first_message(first), ("绩效指标", first),
                            key=True)
            continue
        for second in seconds:
            if second not in ctx.taxonomy.levels[first]:
                yield ctx.error("E302", ctx.taxonomy.misplaced_second_message(first, second),
                                ("绩效指标", first, second), key=True)


def department_and_year_at(key: str) -> Check:
    """E401/E402: the department named at `key` is department.yaml's, the year its folder's."""
    def check(ctx: CheckContext) -> Iterator[Finding]:
        if ctx.department is not None and ctx.document.department != ctx.department.name:
            yield ctx.error("E401", f"{key}“{ctx.document.department}”与 department.yaml 中的部门名称"
                                    f"“{ctx.department.name}”不一致", (key,))
        if ctx.folder_year is not None and ctx.document.year != ctx.folder_year:
            yield ctx.error("E402", f"年度 {ctx.document.year} 与所在年度文件夹 {ctx.folder_year} 不一致", ("年度",))

    return check


department_and_year = department_and_year_at("部门名称")


def run_checks(ctx: CheckContext, checks: Sequence[Check]) -> list[Finding]:
    """The checks of the document's kind (its row in kinds.py), on its text as filled in
    (fill_references, when its kind fills references); 豁免 apply to all but never_waived."""
    findings = [finding for check in checks if not _bound(check) for finding in check(ctx)]
    bounds = [finding for check in checks if _bound(check) for finding in check(ctx)]
    waivers = getattr(ctx.document, "waivers", [])
    return [*apply_waivers(ctx, findings, waivers), *bounds]


def _bound(check: Check) -> bool:
    return getattr(check, "never_waived", False)


def apply_waivers(ctx: CheckContext, findings: list[Finding], waivers: list[Waiver]) -> list[Finding]:
    """Mark waived findings (still reported); a waiver that matches nothing is a warning.

    A check that judges a written value (a stated total, share, rate, score or grade) is waived
    only for the values the waiver's 范围 names: without it, or outside it, E905 says so."""
    used = [False] * len(waivers)
    notes: list[Finding] = []
    for finding in findings:
        for i, waiver in enumerate(waivers):
            if waiver.code != finding.code or not _within(format_path(finding.path), waiver.path):
                continue
            used[i] = True
            refusal = _range_refusal(waiver, finding.value)
            if refusal:
                notes.append(ctx.error("E905", f"豁免 {waiver.code} [{waiver.path}] {refusal}", ("豁免", i)))
                continue
            finding.waived = waiver.reason
            break
    for i, waiver in enumerate(waivers):
        if not used[i]:
            findings.append(ctx.warning(
                "W001", f"豁免 {waiver.code} [{waiver.path}] 没有对应的问题，可删除", ("豁免", i)
            ))
    return [*findings, *notes]


_RANGE = re.compile(r"^\s*([+-]?[\d.]+)\s*(?:[~～至–—]|-(?=\s*[+-]?\d))\s*([+-]?[\d.]+)\s*$")


def _range_refusal(waiver: Waiver, value: Decimal | str | None) -> str:
    """Why the waiver does not accept `value` ("" when it does)."""
    if value is None:
        return ""  # the check judges no single written value: code and path suffice
    written = _plain(value) if isinstance(value, Decimal) else value
    if waiver.accepts is None:
        return f"须写明接受的值：此检查核对所写的“{written}”，请加上“范围: {written}”（或一个区间，如 90~100）"
    if isinstance(value, str):
        accepted = [part.strip() for part in re.split(r"[、,，/]", waiver.accepts)]
        return "" if value.strip("“”\"") in accepted else f"的范围“{waiver.accepts}”不含所写的“{written}”，未豁免"
    bounds = _bounds(waiver.accepts)
    if bounds is None:
        return f"的范围“{waiver.accepts}”写法有误：写一个数（如 92.3）或一个区间（如 90~100）"
    low, high = bounds
    return "" if low <= value <= high else f"的范围“{waiver.accepts}”不含所写的“{written}”，未豁免"


def _bounds(text: str) -> tuple[Decimal, Decimal] | None:
    try:
        match = _RANGE.match(text)
        if match:
            low, high = Decimal(match[1]), Decimal(match[2])
            return (low, high) if low <= high else (high, low)
        number = Decimal(text.strip().removesuffix("%").removesuffix("％"))
        return (number, number) if number.is_finite() else None
    except ArithmeticError:
        return None


@never_waived
def stated_score_range(ctx: CheckContext) -> Iterator[Finding]:
    """E904 (never waived): a stated 自评得分 the form cannot hold, a 自评等级 the settings do not have."""
    conclusion = ctx.document.analysis.conclusion  # type: ignore[union-attr]
    top = ctx.settings.scoring.points_total()
    path = ("综合评价分析", "自评结论")
    if conclusion.stated_score is not None and not 0 <= conclusion.stated_score <= top:
        yield ctx.error("E904", f"自评得分 {_plain(conclusion.stated_score)} 分超出 0–{_plain(top)} 分",
                        (*path, "自评得分"))
    names = [g.name for g in ctx.settings.scoring.grades]
    if conclusion.stated_grade is not None and conclusion.stated_grade.strip("“”\"") not in names:
        yield ctx.error("E904", f"自评等级“{conclusion.stated_grade}”不是设置中的等级（{'、'.join(names)}）",
                        (*path, "自评等级"))


def _within(path: str, prefix: str) -> bool:
    """收入.合计 is within 收入 but not within 收入.合 (whole segments only)."""
    return path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))


# The checks of each kind, as its row in kinds.py names them.
DECLARATION_CHECKS: tuple[Check, ...] = (
    declaration_breakdowns, declaration_identity, declaration_recent_years, indicator_taxonomy, department_and_year,
    prose_references, declaration_chain, punctuation, declaration_table_sizes,
)
SELF_EVALUATION_CHECKS: tuple[Check, ...] = (
    self_evaluation_income, self_evaluation_expenditure, self_evaluation_change,
    self_evaluation_rates, self_evaluation_counts, self_evaluation_project_groups,
    indicator_taxonomy, department_and_year, prose_references, self_evaluation_chain,
    self_evaluation_scoring, punctuation, self_evaluation_table_sizes, self_evaluation_department,
    stated_score_range, self_evaluation_zero_wholes,
)
