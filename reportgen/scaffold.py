"""`reportgen new`: next year's files from the previous year's, or a new department's skeleton.

Stable facts are carried over (names of indicators, tasks, income sources, staff categories…);
figures and the year's own text are left as `待填写`, which `reportgen validate` reports (E007)
until they are filled in. Known figures of the previous year become this year's "上年" figures.
Existing files are never overwritten.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import derive, kinds
from .documents import DEPARTMENT_FILE, SETTINGS_FILE, Loader
from .model import Declaration, Department, SelfEvaluation, Settings
from .model.common import PLACEHOLDER, EvaluatedIndicator, Indicator
from .model.parse import parse_model
from .profiles import DEFAULT_PROFILE, Profile, load_profile
from .schema import INDICATOR_DEFINITIONS, PROFILE_FOLDER
from .scoring import QUALITATIVE, parse_target
from .source import load_file
from .taxonomy import Taxonomy, load_preset

TODO = PLACEHOLDER
_DEPARTMENT_FOLDER = re.compile(r"[^\s/\\:*?\"<>|.][^/\\:*?\"<>|]*")


class ScaffoldError(Exception):
    """Why nothing was written (a Chinese message for the command line)."""


# --- a small YAML writer: keys, values, lists and comments, in the order given -------------------


@dataclass
class Entry:
    """`key: value  # comment`; a key of None is a comment line on its own."""

    key: str | None
    value: Any = None  # scalar text, list[Entry] (a mapping) or Seq (a list)
    comment: str = ""


class Seq(list):
    """A YAML list: items are scalar text or mappings (list[Entry])."""


def comment(text: str) -> Entry:
    return Entry(None, comment=text)


def emit(entries: list[Entry], indent: int = 0) -> list[str]:
    lines: list[str] = []
    for entry in entries:
        lines += _emit_entry(entry, indent)
    return lines


def _emit_entry(entry: Entry, indent: int) -> list[str]:
    pad = " " * indent
    note = f"  # {entry.comment}" if entry.comment else ""
    if entry.key is None:
        return [f"{pad}# {entry.comment}"]
    value = entry.value
    if isinstance(value, Seq):
        if not value:
            return [f"{pad}{entry.key}: []{note}"]
        lines = [f"{pad}{entry.key}:{note}"]
        for item in value:
            lines += _emit_item(item, indent + 2)
        return lines
    if isinstance(value, list):
        return [f"{pad}{entry.key}:{note}", *emit(value, indent + 2)]
    return _scalar_lines(f"{pad}{entry.key}: ", str(value), note, indent + 2)


def _emit_item(item: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(item, list):  # a mapping in a list: its first key on the "- " line
        lines = emit(item, indent + 2)
        first = next(i for i, line in enumerate(lines) if not line.lstrip().startswith("#"))
        lines[first] = f"{pad}- {lines[first][indent + 2:]}"
        return lines
    return _scalar_lines(f"{pad}- ", str(item), "", indent + 2)


def _scalar_lines(head: str, text: str, note: str, indent: int) -> list[str]:
    if "\n" in text:
        return [f"{head}|-{note}", *(f"{' ' * indent}{line}" if line else "" for line in text.split("\n"))]
    return [f"{head}{scalar(text)}{note}"]


_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |\s#|:$|\s$")
_RESERVED = {"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
             *(w for word in ("yes", "no", "on", "off", "y", "n") for w in (word, word.title(), word.upper()))}


def scalar(text: str) -> str:
    """A one-line scalar as plain text when YAML reads it back unchanged, else double-quoted."""
    if text in _RESERVED or _PLAIN_UNSAFE.search(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def document_text(schema_line: str, entries: list[Entry]) -> str:
    return "\n".join([schema_line, *emit(entries)]) + "\n"


# --- what to write -------------------------------------------------------------------------------


@dataclass
class Plan:
    files: dict[Path, str] = field(default_factory=dict)  # path → text, in writing order

    def write(self) -> list[Path]:
        refuse_existing(self.files)
        for path, text in self.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return list(self.files)


def refuse_existing(paths: Iterable[Path]) -> None:
    existing = [p for p in paths if p.exists()]
    if existing:
        names = "、".join(str(p) for p in existing)
        raise ScaffoldError(f"文件已存在，不会覆盖：{names}。如需重新生成，请先移走或删除这些文件")


def scaffold(content: Path, department: str, year: int, *, name: str | None = None,
             schemas: Path = Path("schemas"), project: str | None = None) -> list[Path]:
    """Write the files of `department` (or of one of its projects) for `year`; returns their
    paths. Raises ScaffoldError."""
    return plan(content, department, year, name=name, schemas=schemas, project=project).write()


def plan(content: Path, department: str, year: int, *, name: str | None = None,
         schemas: Path = Path("schemas"), project: str | None = None) -> Plan:
    if not _DEPARTMENT_FOLDER.fullmatch(department):
        raise ScaffoldError(f"部门文件夹名“{department}”不可用：不能含有 / \\ : * ? \" < > |，也不能以空格或“.”开头；"
                            "如 my-dept 或 番禺区融媒体中心")
    folder = content / department
    profile = _profile(content, folder)
    taxonomy = profile.taxonomy or _taxonomy(content)
    if project is not None:
        from .scaffold_project import plan_project

        return plan_project(content, department, year, project, name=name, taxonomy=taxonomy, schemas=schemas)
    if not (folder / DEPARTMENT_FILE).exists():
        if not name:
            raise ScaffoldError(
                f"没有找到部门 {folder}（缺少 {DEPARTMENT_FILE}）。新建部门请用 --name 给出部门全称，"
                f"如：reportgen new {department} {year} --name 某某部门"
            )
        return _new_department(folder, year, name, taxonomy, schemas, profile)
    return _next_year(folder, year, name, schemas, profile.name)


def _profile(content: Path, folder: Path) -> Profile:
    """The form profile the department's documents follow: its 表式, else settings.yaml's, else the default."""
    chosen = []
    for path, model in ((folder / DEPARTMENT_FILE, Department), (content / SETTINGS_FILE, Settings)):
        parsed = parse_model(load_file(path), model) if path.exists() else None
        chosen.append(parsed.profile if parsed else None)
    return load_profile(next((name for name in chosen if name), DEFAULT_PROFILE))


def _taxonomy(content: Path) -> Taxonomy:
    settings_path = content / SETTINGS_FILE
    settings = parse_model(load_file(settings_path), Settings) if settings_path.exists() else None
    return load_preset(settings.taxonomy if settings else "default")


def schema_line(target: Path, schemas: Path, kind: str, profile: str | None = None) -> str:
    """The first line naming the file's schema: the profile's own, for a kind a profile shapes."""
    schema = schemas / f"{kind}.schema.json"
    if profile and kind in INDICATOR_DEFINITIONS:
        schema = schemas / PROFILE_FOLDER / profile / f"{kind}.schema.json"
    relative = Path(os.path.relpath(schema, target.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"


# --- a new department ----------------------------------------------------------------------------


def _new_department(folder: Path, year: int, name: str, taxonomy: Taxonomy, schemas: Path, profile: Profile) -> Plan:
    result = Plan()
    department_path = folder / DEPARTMENT_FILE
    result.files[department_path] = document_text(schema_line(department_path, schemas, "department"), [
        comment("部门基本信息，各年度文书共用。把每个“待填写”改为实际内容；reportgen validate 会列出尚未填写的位置。"),
        Entry("部门名称", name, "与各年度文书中的部门名称一致"),
        Entry("简称", TODO, "正文中使用的简称；不需要可删除此行"),
        Entry("部门职能", [
            Entry("概述", TODO, "职能概述，如 某某部门属于……主要职责："),
            Entry("主要职责", Seq([TODO]), "每项一行，正文中写作“一是……二是……”"),
        ]),
        Entry("机构情况", [
            Entry("下属单位", Seq([]), "没有下属单位保留 []；有则每项一行，如 - 某某中心"),
            Entry("预算级次", TODO, "如 部门预算为局本级预算"),
            Entry("内设机构", Seq([TODO]), "每项一行"),
        ]),
    ])
    for kind in kinds.kinds():  # the files a new department starts its year with
        if kind.skeleton and kind.depth == 0:
            path = folder / str(year) / kind.file
            result.files[path] = document_text(schema_line(path, schemas, kind.name, profile.name),
                                               kind.resolved("skeleton")(name, year, taxonomy, profile))
    return result


def declaration_skeleton(name: str, year: int, taxonomy: Taxonomy, profile: Profile) -> list[Entry]:
    indicators = []
    for first, seconds in taxonomy.levels.items():
        blocks = [Entry(second, Seq([_indicator_skeleton()]) if i == 0 else Seq([]))
                  for i, second in enumerate(seconds)]
        indicators.append(Entry(first, blocks))
    return [
        comment("部门整体预算绩效目标申报表。金额单位为万元，只写数字，如 3110.76。"),
        comment("把每个“待填写”改为实际内容；reportgen validate 会列出尚未填写的位置。"),
        Entry("部门名称", name),
        Entry("年度", str(year)),
        Entry("预算整体情况", _budget_entries(parts=profile.breakdowns), "各种口径的合计应相同"),
        Entry("总体绩效目标", TODO, "多段文字用 |- 块，段落之间空一行"),
        Entry("年度重点工作任务", Seq([[
            Entry("名称", TODO), Entry("主要实施内容", TODO), Entry("拟投入的资金", TODO, "万元"),
            Entry("期望达到的目标", TODO),
        ]]), "每项任务一段，以“- 名称:”开头"),
        Entry("绩效指标", indicators, "一级指标 → 二级指标 → 三级指标列表；二级指标下暂无指标写 []"),
    ]


def _indicator_skeleton() -> list[Entry]:
    return [Entry("三级指标", TODO),
            Entry("年度指标值", TODO, "如 95%以上、≥5人、10场、6000万元以上；定性指标直接写文字")]


def _budget_entries(previous: Declaration | None = None, parts: frozenset[str] = frozenset()) -> list[Entry]:
    """预算整体情况 to fill in: for a new department, the `parts` of its profile's form; for next
    year, the parts of last year's (validated against the same profile), with last year's later
    近两年收支金额 year carried over."""
    if previous is not None:
        budget = previous.budget
        given = {"事业发展性支出": budget.expenditure.development, "按预算级次划分": budget.levels,
                 "近两年收支金额": budget.recent_years}
        parts = frozenset(name for name, value in given.items() if value)
    spending = [Entry("基本支出", TODO), Entry("项目支出", TODO)]
    if "事业发展性支出" in parts:
        spending.append(Entry("事业发展性支出", [Entry("财政专项资金", TODO), Entry("其他事业发展性支出", TODO)]))
    entries = [Entry("部门预算支出", spending), Entry("收入来源", [Entry("财政拨款", TODO), Entry("其他资金", TODO)])]
    if "按预算级次划分" in parts:
        entries.append(Entry("按预算级次划分", [Entry("区本级使用资金", TODO), Entry("拟用于对下转移支付资金", TODO)]))
    if "近两年收支金额" in parts:
        entries.append(Entry("近两年收支金额", Seq(_recent_years(previous))))
    return entries


def _recent_years(previous: Declaration | None) -> list[list[Entry]]:
    if previous is None or not previous.budget.recent_years:
        return [[Entry("年度", TODO, "预算年度前两年，先早后晚"), Entry("收入金额", TODO), Entry("支出金额", TODO)]
                for _ in range(2)]
    kept = previous.budget.recent_years[-1]
    return [[Entry("年度", str(kept.year)), Entry("收入金额", str(kept.income), "沿用上年，请核对"),
             Entry("支出金额", str(kept.expenditure))],
            [Entry("年度", str(previous.year)), Entry("收入金额", TODO), Entry("支出金额", TODO)]]


# --- next year from the previous year --------------------------------------------------------------


def _next_year(folder: Path, year: int, name: str | None, schemas: Path, profile: str) -> Plan:
    previous = folder / str(year - 1)
    loader = Loader()
    found = {kind: previous / kind.file for kind in kinds.kinds()
             if kind.scaffold and kind.depth == 0 and (previous / kind.file).exists()}
    if not found:
        titles = "或".join(kind.short_title for kind in kinds.kinds() if kind.scaffold and kind.depth == 0)
        raise ScaffoldError(f"没有找到 {year - 1} 年的{titles}（{previous}），无法沿用上一年度的内容")
    target = folder / str(year)
    refuse_existing(target / kind.file for kind in found)  # before reading last year's files
    models = {kind.file: _previous_model(loader, path) for kind, path in found.items()}
    department = next(iter(models.values())).department
    if name and name != department:
        raise ScaffoldError(f"部门 {folder} 已存在，部门名称为“{department}”；沿用上一年度时不需要 --name")
    result = Plan()
    for kind in found:
        # the sibling as it stands for this year: last year's carried over, or one already written
        sibling = (models.get(kind.sibling) or _existing_model(loader, target / kind.sibling)) if kind.sibling else None
        path = target / kind.file
        result.files[path] = document_text(schema_line(path, schemas, kind.name, profile),
                                           kind.resolved("scaffold")(models[kind.file], year, sibling))
    return result


def _previous_model(loader: Loader, path: Path) -> Any:
    document = loader.load_document(path)
    if document.model is None:
        raise ScaffoldError(f"{path} 有错误，无法沿用；请先修正（reportgen validate {path}）")
    return document.model


def _existing_model(loader: Loader, path: Path) -> Any:
    """This year's file of a kind, when it is already written (a self-evaluation names its items)."""
    return loader.load_document(path).model if path.exists() else None


def scaffold_declaration(previous: Declaration, year: int, sibling: Any) -> list[Entry]:
    return next_declaration(previous, year)


def scaffold_self_evaluation(previous: SelfEvaluation, year: int, declaration: Declaration | None) -> list[Entry]:
    return next_self_evaluation(previous, year, declaration if isinstance(declaration, Declaration) else None)


def _money_note(previous: Decimal | None, year: int) -> str:
    return f"{year - 1} 年为 {derive.quantize(previous)}" if previous is not None else ""


def next_declaration(previous: Declaration, year: int) -> list[Entry]:
    """The declaration of `year` from that of the year before."""
    tasks = Seq([[
        Entry("名称", task.name),
        Entry("主要实施内容", task.content, "沿用上年，请核对"),
        Entry("拟投入的资金", TODO, _money_note(task.funds, year)),
        Entry("期望达到的目标", task.goal, "沿用上年，请核对"),
    ] for task in previous.key_tasks])
    entries = [
        comment(f"由 reportgen new 按 {year - 1} 年申报表生成：名称沿用上年，金额和年度指标值须重新填写。"),
        comment("把每个“待填写”改为实际内容；reportgen validate 会列出尚未填写的位置。"),
        Entry("部门名称", previous.department),
        Entry("年度", str(year)),
    ]
    if previous.form_number:
        entries.append(Entry("表号", previous.form_number))
    entries += [
        Entry("预算整体情况", _budget_entries(previous)),
        Entry("总体绩效目标", TODO),
        Entry("年度重点工作任务", tasks),
        Entry("绩效指标", _indicator_blocks(previous.indicators, _declared_indicator)),
    ]
    return entries


def _declared_indicator(item: Indicator) -> list[Entry]:
    entries = [Entry("三级指标", item.name)]
    if item.period_target:
        entries.append(Entry("实施周期指标值", item.period_target, "沿用上年，请核对"))
    entries.append(Entry("年度指标值", TODO, f"上年为 {item.target}" if item.target else ""))
    entries += _indicator_details(item)
    return entries


def _indicator_details(item: Indicator) -> list[Entry]:
    return [Entry(label, value) for label, value in (
        ("指标值类型", item.value_type), ("计量单位", item.unit), ("指标解释", item.explanation),
        ("评分标准", item.scoring_rule)) if value]


def _indicator_blocks(indicators: dict[str, dict[str, list]], item_entries) -> list[Entry]:
    return [
        Entry(first, [Entry(second, Seq(item_entries(item) for item in items)) for second, items in seconds.items()])
        for first, seconds in indicators.items()
    ]


def next_self_evaluation(previous: SelfEvaluation, year: int, declaration: Declaration | None
                         ) -> list[Entry]:
    """The self-evaluation of `year` from that of the year before (and this year's declaration)."""
    source = "申报表" if declaration is not None else "上年自评报告"
    return [
        comment(f"由 reportgen new 按 {year - 1} 年自评报告生成：名称沿用上年，数字和文字须重新填写。"),
        comment(f"绩效指标和任务的名称取自本年度{source}"
                + ("；年度指标值和任务的计划取自申报表，此处不再填写。" if declaration is not None else "。")),
        comment("把每个“待填写”改为实际内容；reportgen validate 会列出尚未填写的位置。"),
        Entry("部门名称", previous.department),
        Entry("年度", str(year)),
        Entry("基本情况", [
            _staffing(previous, year),
            Entry("年度总体工作", [Entry("部门履职总体目标", TODO), Entry("年度总体工作完成情况", TODO)]),
            _finances(previous, year),
            Entry("绩效管理情况", [Entry("绩效运行监控情况", TODO)]),
        ]),
        Entry("绩效指标", _evaluated_indicators(previous, declaration)),
        Entry("综合评价分析", _analysis(previous, declaration)),
        Entry("存在的主要问题", Seq([TODO])),
        Entry("下一步改进措施", Seq([TODO])),
    ]


def _staffing(previous: SelfEvaluation, year: int) -> Entry:
    staffing = previous.background.staffing
    groups = Seq()
    for group in staffing.groups:
        entries = [Entry("类别", group.category), Entry("人数", TODO),
                   Entry("上年人数", str(group.count), f"{year - 1} 年人数")]
        if group.parts:
            entries.append(Entry("其中", Seq([[Entry("类别", p.category), Entry("人数", TODO)]
                                              for p in group.parts])))
        groups.append(entries)
    kind = [Entry("编制类型", staffing.establishment_kind)] if staffing.establishment_kind else []
    return Entry("人员情况", [
        *kind,
        Entry("核定编制", TODO, f"{year - 1} 年为 {staffing.establishment}"),
        Entry("人员", groups, "人数有变动时可加“变动原因”"),
    ])


def _amounts(items: Iterable[Any], *, notes: bool = False) -> Seq:
    rows = Seq()
    for item in items:
        entries = [Entry("名称", item.name), Entry("金额", TODO)]
        if notes and item.note:
            entries.append(Entry("说明", item.note))
        rows.append(entries)
    return rows


def _finances(previous: SelfEvaluation, year: int) -> Entry:
    finances = previous.background.finances
    spending = finances.expenditure
    figures = derive.self_evaluation_figures(previous)
    expenditure = [
        Entry("基本支出", [Entry("金额", TODO), *_parts(spending.basic.parts)]),
        Entry("项目支出", [Entry("金额", TODO), *_parts(spending.project.parts)]),
    ]
    if spending.by_function:
        expenditure.append(Entry("按功能分类", _amounts(spending.by_function)))
    expenditure.append(Entry("上年支出合计", str(figures.expenditure_total),
                             f"{year - 1} 年基本支出与项目支出之和"))
    if spending.change_reasons:
        expenditure.append(Entry("变动原因", Seq([[Entry("名称", r.name), Entry("变动", TODO, "增加为正，减少为负")]
                                                for r in spending.change_reasons])))
    return Entry("收支情况", [
        Entry("整体支出绩效目标", Seq([TODO])),
        Entry("预算", [Entry("年初预算数", TODO), Entry("全年预算数", TODO)]),
        Entry("收入", [Entry("来源", _amounts(finances.income.sources))]),
        Entry("支出", expenditure),
    ])


def _parts(parts: list) -> list[Entry]:
    return [Entry("明细", _amounts(parts, notes=True))] if parts else []


def _evaluated_indicators(previous: SelfEvaluation, declaration: Declaration | None) -> list[Entry]:
    last_year = {(f, s, item.name): item for f, seconds in previous.indicators.items()
                 for s, items in seconds.items() for item in items}
    if declaration is None:
        return [Entry(first, [Entry(second, Seq(_evaluated(item, item, with_target=True) for item in items))
                              for second, items in seconds.items()])
                for first, seconds in previous.indicators.items()]
    return [Entry(first, [Entry(second, Seq(_evaluated(item, last_year.get((first, second, item.name)),
                                                       with_target=False) for item in items))
                          for second, items in seconds.items()])
            for first, seconds in declaration.indicators.items()]


def _evaluated(item: Indicator, last_year: EvaluatedIndicator | None, *, with_target: bool) -> list[Entry]:
    entries = [Entry("三级指标", item.name)]
    if with_target:
        note = f"上年为 {item.target}" if item.target else ""
        entries.append(Entry("年度指标值", TODO, note))
    entries.append(Entry("实际完成值", TODO))
    if last_year is not None and last_year.points is not None:
        entries.append(Entry("分值", str(last_year.points), "沿用上年，请核对"))
    if _qualitative(item):
        entries += [Entry("完成档次", TODO, "达成年度指标 / 部分达成并具有一定效果 / 未达成且效果较差"),
                    Entry("档内得分比例", TODO, "得分占分值的比例，须在所选档次范围内，如 90%")]
    return entries


def _qualitative(item: Indicator) -> bool:
    if item.value_type:
        return item.value_type == QUALITATIVE
    return item.target is not None and not parse_target(item.target).quantitative


def _analysis(previous: SelfEvaluation, declaration: Declaration | None) -> list[Entry]:
    analysis = previous.analysis
    groups = Seq()
    for group in analysis.conclusion.project_groups:
        entries = [Entry("类别", group.kind), Entry("个数", TODO)]
        if group.funds_name != "资金":
            entries.append(Entry("资金表述", group.funds_name))
        groups.append([*entries, Entry("资金", TODO)])
    conclusion = [Entry("项目构成", groups)] if groups else []
    conclusion.append(Entry("评价", TODO, "自评得分和等级由自评表计算，不必填写"))
    if declaration is not None:
        tasks = Seq([[Entry("名称", t.name), Entry("完成情况", TODO)] for t in declaration.key_tasks])
    else:
        tasks = Seq([[Entry("名称", t.name), Entry("主要实施内容", t.content or TODO),
                      Entry("拟投入的资金", TODO), Entry("期望达到的目标", t.goal or TODO),
                      Entry("完成情况", TODO)] for t in analysis.tasks])
    entries = [Entry("自评结论", conclusion), Entry("任务完成情况", tasks)]
    if analysis.projects:
        entries.append(Entry("重点任务项目支出", Seq([
            [Entry("名称", p.name), Entry("全年预算数", TODO), Entry("实际执行数", TODO), Entry("完成情况", TODO)]
            for p in analysis.projects])))
    entries.append(Entry("主要成效", TODO))
    return entries
