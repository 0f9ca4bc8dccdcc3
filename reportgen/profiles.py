"""Form profiles (表式): what a region's variant of the forms prints — the columns of each table,
the header fields, the indicator taxonomy, the scoring rules, the heading numbering.

Profiles are YAML files in templates/profiles/ that the office edits; one may `继承` (extend)
another and change a few things (mappings merge key by key, anything else is replaced). A
department picks one with `表式:` in department.yaml; the default is `表式:` of settings.yaml,
else the built-in Guangzhou form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .render.templates import TEMPLATES
from .source import load_text
from .taxonomy import Taxonomy

DEFAULT_PROFILE = "guangzhou"
PROFILES_FOLDER = "profiles"
EXTENDS = "继承"

# The tables whose columns a profile sets, and the first columns every one of them has.
INDICATOR_TABLES = ("申报表绩效指标", "指标设定", "自评表绩效指标")
LEVEL_COLUMNS = ("一级指标", "二级指标")
LEVEL_WIDTHS = {"申报表绩效指标": (12, 16), "指标设定": (14, 18), "自评表绩效指标": (8, 12)}
COMPUTED_COLUMNS = ("得分", "得分系数")
# The optional parts of the declaration's 预算整体情况, by their YAML place under it, and whether
# a profile that says nothing of one has it (the Guangzhou form has the first two, not the third).
BREAKDOWNS = {"事业发展性支出": ("部门预算支出", "事业发展性支出"), "按预算级次划分": ("按预算级次划分",),
              "近两年收支金额": ("近两年收支金额",)}
BREAKDOWN_DEFAULTS = {"事业发展性支出": True, "按预算级次划分": True, "近两年收支金额": False}
DEFAULT_SHARE_DECIMALS = 2
# The fixed wording a profile prints (文字), by table: the names of its labels. Their text is in the
# profile only (guangzhou.yaml has the form's own). List labels are a table's column headings, of
# the given count: the annex's money table, the declaration's and the report's task tables.
LABELS = "文字"
LABEL_NAMES = {
    "自评表": ("标题", "资金表头", "预算执行", "偏差原因", "总分", "自评等级"),
    "预算整体情况": ("金额表头", "支出合计", "收入合计", "级次合计", "近两年收入", "收入金额表头", "近两年支出",
                 "支出金额表头"),
    "申报表": ("部门名称", "预算整体情况", "总体绩效目标", "年度重点工作任务", "任务表头", "合计", "其他任务",
            "绩效指标"),
    "任务完成情况": ("表头",),
}
LABEL_LISTS = {("自评表", "资金表头"): 6, ("申报表", "任务表头"): 4, ("任务完成情况", "表头"): 5}
# Indicator keys read by the scoring rules, not printed as such (their result is: 得分).
SCORING_INPUTS = frozenset({"分值", "完成档次", "档内得分比例", "指标值类型"})


class ProfileError(Exception):
    """A profile that cannot be read: the message names the file (and line) and what is wrong."""


class _PlacedError(ValueError):
    """A wrong value at `path` of the merged profile: reported at the line that wrote it."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Column:
    key: str  # the YAML key of an indicator whose value the column prints, or 分值 / 得分
    header: str
    width: int


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    tables: dict[str, tuple[Column, ...]]
    header_fields: tuple[str, ...] = ()
    taxonomy: Taxonomy | None = None  # None: the preset named in settings.yaml
    scoring: dict[str, Any] = field(default_factory=dict)  # 评分 keys over settings.yaml's
    numbering: dict[int, str] = field(default_factory=dict)  # level → "1." style of that level
    breakdowns: frozenset[str] = frozenset(n for n, has in BREAKDOWN_DEFAULTS.items() if has)
    share_decimals: int = DEFAULT_SHARE_DECIMALS  # 占比小数位: decimals of every share (占比) printed
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # 文字: table → label name → text
    files: tuple[Path, ...] = ()

    def columns(self, table: str) -> tuple[Column, ...]:
        return self.tables[table]

    def printed_keys(self, tables: tuple[str, ...]) -> set[str]:
        return {c.key for name in tables for c in self.tables.get(name, ())}


LEVELS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}


def available(templates: Path | None = None) -> list[str]:
    folder = (templates or TEMPLATES) / PROFILES_FOLDER
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_profile(name: str, templates: Path | None = None) -> Profile:
    """The profile `name`, read again whenever a profile file changes (the preview keeps running)."""
    templates = templates or TEMPLATES
    folder = templates / PROFILES_FOLDER
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yaml"))) \
        if folder.is_dir() else ()
    return _load(name, templates, stamp)


@cache
def _load(name: str, templates: Path, stamp: tuple) -> Profile:
    data, files = _merged(name, templates, ())
    try:
        return _profile(name, data, files)
    except _PlacedError as exc:
        raise ProfileError(f"{_written_at(exc.path, files, templates)}: 表式“{name}”写法有误：{exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProfileError(f"{_shown(files[-1], templates)}: 表式“{name}”写法有误：{exc}") from exc


def _written_at(path: tuple[str | int, ...], files: tuple[Path, ...], templates: Path) -> str:
    """file:line of `path` in the last of `files` (the extending profile first) that writes it, or
    of what encloses it."""
    sources = [load_text(f.read_text(encoding="utf-8"), _shown(f, templates)) for f in reversed(files)]
    for depth in range(len(path), 0, -1):
        for source in sources:
            if path[:depth] in source.value_positions or path[:depth] in source.key_positions:
                return f"{source.file}:{source.position(path[:depth]).line}"
    return sources[0].file


def _merged(name: str, templates: Path, seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[Path, ...]]:
    path = templates / PROFILES_FOLDER / f"{name}.yaml"
    if name in seen:
        raise ProfileError(f"表式继承形成循环：{' → '.join((*seen, name))}")
    if not path.is_file():
        names = "、".join(available(templates)) or "（无）"
        raise ProfileError(f"未知的表式“{name}”，可用：{names}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{_shown(path, templates)}:{mark.line + 1}" if mark else _shown(path, templates)
        raise ProfileError(f"{where}: 表式文件 YAML 语法错误：{getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"{_shown(path, templates)}: 表式文件应为映射（“键: 值”）")
    parent = data.pop(EXTENDS, None)
    if parent is None:
        return data, (path,)
    base, files = _merged(str(parent), templates, (*seen, name))
    return _merge(base, data), (*files, path)


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key != "指标体系":
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def _profile(name: str, data: dict[str, Any], files: tuple[Path, ...]) -> Profile:
    tables = {}
    for table, spec in (data.get("表格") or {}).items():
        columns = tuple(_column(c) for c in spec["列"])
        tables[table] = columns
    missing = [t for t in INDICATOR_TABLES if t not in tables]
    if missing:
        raise ValueError(f"缺少表格：{'、'.join(missing)}")
    annex = [c.key for c in tables["自评表绩效指标"]]
    if "分值" not in annex or annex[annex.index("分值") + 1:annex.index("分值") + 2] != ["得分"]:
        raise ValueError("“自评表绩效指标”须有“分值”列，其后紧接“得分”列（总分印在这两列下）")
    taxonomy = data.get("指标体系")
    return Profile(
        name=name,
        title=str(data.get("名称", name)),
        tables=tables,
        header_fields=tuple(str(f) for f in data.get("表头字段") or ()),
        taxonomy=Taxonomy(name, {str(k): tuple(v or ()) for k, v in taxonomy.items()}) if taxonomy else None,
        scoring=dict(data.get("评分") or {}),
        numbering={LEVELS[k]: str(v) for k, v in (data.get("标题编号") or {}).items()},
        breakdowns=frozenset(name for name, has in BREAKDOWN_DEFAULTS.items()
                             if (data.get("预算口径") or {}).get(name, has)),
        share_decimals=_share_decimals(data.get("占比小数位", DEFAULT_SHARE_DECIMALS)),
        labels=_labels(data.get(LABELS)),
        files=files,
    )


def _share_decimals(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        raise ValueError(f"“占比小数位”应为 0 到 4 的整数，而不是“{value}”")
    return value


def _labels(data: Any) -> dict[str, dict[str, Any]]:
    """文字: every label of LABEL_NAMES given, as text (a list label: a list of LABEL_LISTS texts),
    nothing else."""
    tables = _mapping(data, (LABELS,))
    unknown = [t for t in tables if t not in LABEL_NAMES]
    if unknown:
        raise _PlacedError(f"“{LABELS}”下没有“{unknown[0]}”；可用：{'、'.join(LABEL_NAMES)}", (LABELS, unknown[0]))
    labels = {}
    for table, names in LABEL_NAMES.items():
        given = _mapping(tables.get(table), (LABELS, table))
        unknown = [n for n in given if n not in names]
        if unknown:
            raise _PlacedError(f"“{LABELS} → {table}”下没有“{unknown[0]}”；可用：{'、'.join(names)}",
                               (LABELS, table, unknown[0]))
        missing = [n for n in names if n not in given]
        if missing:
            raise _PlacedError(f"“{LABELS} → {table}”缺少：{'、'.join(missing)}", (LABELS, table))
        labels[table] = {n: _label_text(given[n], (LABELS, table, n)) for n in names}
    return labels


def _mapping(value: Any, path: tuple[str, ...]) -> dict[str, Any]:
    if value is None:
        raise _PlacedError(f"缺少“{' → '.join(path)}”", path)
    if not isinstance(value, dict):
        raise _PlacedError(f"“{' → '.join(path)}”应为映射（“键: 值”），而不是“{value}”", path)
    return value


def _label_text(value: Any, path: tuple[str, ...]) -> str | tuple[str, ...]:
    """A label's text; a list of LABEL_LISTS[(table, name)] texts for a list label."""
    count = LABEL_LISTS.get(path[1:])
    if count is None:
        return _text(value, path)
    if not isinstance(value, list) or len(value) != count:
        raise _PlacedError(f"“{' → '.join(path)}”应为 {count} 项文字的列表（如 [a, b]），而不是“{value}”", path)
    return tuple(_text(v, (*path, i)) for i, v in enumerate(value))


def _text(value: Any, path: tuple[str | int, ...]) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = " → ".join(str(p) if isinstance(p, str) else f"第 {p + 1} 项" for p in path)
        raise _PlacedError(f"“{shown}”应为印出的文字，而不是“{value}”", path)
    return value


def _column(spec: Any) -> Column:
    column = Column(spec, spec, 0) if isinstance(spec, str) else \
        Column(str(spec["键"]), str(spec.get("表头", spec["键"])), int(spec.get("宽", 0)))
    known = column_keys()
    if column.key not in known:
        raise ValueError(f"列的键“{column.key}”不是指标的栏目；可用：{'、'.join(known)}")
    return column


@cache
def column_keys() -> list[str]:
    """What a column can print: an indicator's fields (by YAML key) and the computed scores."""
    from .model.common import EvaluatedIndicator

    fields = [f.alias for f in EvaluatedIndicator.model_fields.values() if f.alias]
    return [*fields, *COMPUTED_COLUMNS]


def _shown(path: Path, templates: Path) -> str:
    try:
        return path.relative_to(templates.parent).as_posix()
    except ValueError:
        return path.name


def widths(columns: tuple[Column, ...], first: tuple[int, ...]) -> list[int]:
    """Relative widths (sum 100) of the level columns `first` and `columns`; columns without a
    width share what is left evenly."""
    given = sum(first) + sum(c.width for c in columns)
    unset = [c for c in columns if not c.width]
    share = max(100 - given, 0) / len(unset) if unset else 0
    raw = [*first, *(c.width or share for c in columns)]
    total = sum(raw)
    return [round(w * 100 / total) for w in raw]


def numbering_style(style: str):
    """"1." or "1、" or "（1）": the pattern with the number put in place of 1."""
    return lambda n: style.replace("1", str(n), 1)
