"""`reportgen new DEPARTMENT YEAR --project FOLDER`: a project's forms for a year.

From last year's forms of the same project folder where they exist (names, 主管部门, 实施单位, 项目期,
the medium term and the indicators carried over; this year's figures and targets left as 待填写),
otherwise a new project's declaration skeleton. The kinds' rows (kinds.py) name these functions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import kinds
from .documents import DEPARTMENT_FILE, Loader
from .model.project import Funds, ProjectDeclaration, ProjectSelfEvaluation
from .scaffold import TODO, Entry, Plan, ScaffoldError, Seq, comment, document_text, schema_line
from .taxonomy import Taxonomy

_PROJECT_FOLDER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def project_kinds() -> list[kinds.Kind]:
    return [kind for kind in kinds.kinds() if kind.folder and kind.scaffold]


def plan_project(content: Path, department: str, year: int, folder_name: str, *, name: str | None,
                 taxonomy: Taxonomy, schemas: Path) -> Plan:
    if not _PROJECT_FOLDER.fullmatch(folder_name):
        raise ScaffoldError(f"项目文件夹名“{folder_name}”不可用：请用字母、数字和连字符，如 news-operations")
    department_folder = content / department
    if not (department_folder / DEPARTMENT_FILE).exists():
        raise ScaffoldError(f"没有找到部门 {department_folder}（缺少 {DEPARTMENT_FILE}）；请先新建部门")
    loader = Loader()
    plan = Plan()
    found = {}
    for kind in project_kinds():
        previous = department_folder / str(year - 1) / kind.folder / folder_name / kind.file
        if previous.exists():
            document = loader.load_document(previous)
            if document.model is None:
                raise ScaffoldError(f"{previous} 有错误，无法沿用；请先修正（reportgen validate {previous}）")
            found[kind] = document.model
    target = department_folder / str(year)
    if found:
        if name and name not in {model.project for model in found.values()}:
            raise ScaffoldError(f"{year - 1} 年的项目 {folder_name} 名为“{next(iter(found.values())).project}”；"
                                "沿用上一年度时不需要 --name")
        for kind, model in found.items():
            sibling = found.get(kinds.of_file(kind.sibling)) if kind.sibling else None
            path = target / kind.folder / folder_name / kind.file
            plan.files[path] = document_text(schema_line(path, schemas, kind.name),
                                             kind.resolved("scaffold")(model, year, sibling))
        return plan
    if not name:
        raise ScaffoldError(f"没有找到 {year - 1} 年的项目 {folder_name}。新建项目请用 --name 给出项目名称，"
                            f"如：reportgen new {department} {year} --project {folder_name} --name 某某项目经费")
    department_name = loader.load_department(department_folder / DEPARTMENT_FILE)
    department_text = department_name.model.name if department_name.model else TODO
    for kind in project_kinds():
        if kind.skeleton and kind.sibling:  # the declaration starts a project
            path = target / kind.folder / folder_name / kind.file
            plan.files[path] = document_text(schema_line(path, schemas, kind.name),
                                             kind.resolved("skeleton")((department_text, name), year, taxonomy))
            break
    return plan


def project_declaration_skeleton(names: tuple[str, str], year: int, taxonomy: Taxonomy) -> list[Entry]:
    department, project = names
    return [
        comment("项目支出绩效目标申报表。金额单位为万元，只写数字。把每个“待填写”改为实际内容；"
                "暂时无法填写的栏目（如项目期）可删除，validate 会提示（W702）。"),
        Entry("项目名称", project),
        Entry("年度", str(year)),
        Entry("主管部门", department),
        Entry("实施单位", TODO),
        Entry("项目属性", TODO, "新增 或 延续"),
        Entry("项目期", TODO, "如 2023年 或 2023—2025年"),
        Entry("项目资金", [Entry("年度资金总额", _funds_skeleton())]),
        Entry("总体目标", [Entry("年度目标", TODO)]),
        Entry("绩效指标", [Entry(first, [Entry(second, Seq([[Entry("三级指标", TODO), Entry("年度指标值", TODO)]])
                                               if i == 0 else Seq([])) for i, second in enumerate(seconds)])
                           for first, seconds in taxonomy.levels.items()]),
    ]


def project_evaluation_skeleton(names: tuple[str, str], year: int, taxonomy: Taxonomy) -> list[Entry]:
    department, project = names
    return [Entry("项目名称", project), Entry("年度", str(year)), Entry("主管部门", department),
            Entry("实施单位", TODO),
            Entry("项目资金", [Entry("年度资金总额", [Entry("全年预算数", TODO), Entry("全年执行数", TODO)])]),
            Entry("年度总体目标", [Entry("实际完成情况", TODO)])]


def _funds_skeleton() -> list[Entry]:
    return [Entry("资金总额", TODO), Entry("财政拨款", TODO), Entry("其他资金", TODO)]


def _funds(previous: Funds | None, year: int) -> list[Entry]:
    note = f"{year - 1} 年为 {previous.total}" if previous is not None else ""
    return [Entry("资金总额", TODO, note), Entry("财政拨款", TODO), Entry("其他资金", TODO)]


def next_project_declaration(previous: ProjectDeclaration, year: int, sibling: Any) -> list[Entry]:
    entries = [
        comment(f"由 reportgen new 按 {year - 1} 年的项目申报表生成：名称、中期资金和中期目标沿用上年，"
                "年度资金、年度目标和年度指标值须重新填写。"),
        Entry("项目名称", previous.project), Entry("年度", str(year)), Entry("主管部门", previous.department),
    ]
    if previous.department_code:
        entries.append(Entry("主管部门代码", previous.department_code))
    entries += [Entry("实施单位", previous.implementer), Entry("项目属性", "延续")]
    if previous.period:
        entries.append(Entry("项目期", previous.period, "沿用上年，请核对"))
    money = []
    if previous.funds.medium_term is not None:
        medium = previous.funds.medium_term
        money.append(Entry("中期资金总额", [Entry(label, str(value)) for label, value in (
            ("资金总额", medium.total), ("财政拨款", medium.appropriation), ("其他资金", medium.other))
            if value is not None]))
    money.append(Entry("年度资金总额", _funds(previous.funds.annual, year)))
    goals = ([Entry("中期目标", previous.goals.medium_term, "沿用上年，请核对")] if previous.goals.medium_term else [])
    entries += [Entry("项目资金", money), Entry("总体目标", [*goals, Entry("年度目标", TODO)])]
    if previous.indicators:  # none last year: left out, validate reminds (W702)
        entries.append(Entry("绩效指标", [
            Entry(first, [Entry(second, Seq([
                [Entry("三级指标", item.name),
                 *([Entry("中期指标值", item.medium_term_target)] if item.medium_term_target else []),
                 Entry("年度指标值", TODO, f"上年为 {item.target}")] for item in items]))
                for second, items in seconds.items()])
            for first, seconds in previous.indicators.items()]))
    return entries


def next_project_evaluation(previous: ProjectSelfEvaluation, year: int, declaration: Any) -> list[Entry]:
    declared = isinstance(declaration, ProjectDeclaration)
    indicators = declaration.indicators if declared else previous.indicators
    blocks = [
        Entry(first, [Entry(second, Seq([
            [Entry("三级指标", item.name), *([] if declared else [Entry("年度指标值", TODO)]),
             Entry("实际完成值", TODO)] for item in items])) for second, items in seconds.items()])
        for first, seconds in indicators.items()]
    return [
        comment(f"由 reportgen new 按 {year - 1} 年的项目自评表生成：数字和文字须重新填写"
                + ("；年度指标值和预期目标取自本年度项目申报表。" if declared else "。")),
        Entry("项目名称", previous.project), Entry("年度", str(year)), Entry("主管部门", previous.department),
        Entry("实施单位", previous.implementer),
        Entry("项目资金", [Entry("年度资金总额", [Entry("年初预算数", TODO), Entry("全年预算数", TODO),
                                                  Entry("全年执行数", TODO)])]),
        Entry("年度总体目标", [*([] if declared else [Entry("预期目标", TODO)]), Entry("实际完成情况", TODO)]),
        *([Entry("绩效指标", blocks)] if blocks else []),
    ]
