"""Indicator tables: 一级/二级 merged over their 三级 rows, with the columns a profile gives."""

from __future__ import annotations

from functools import cache

from ..model.common import Indicator
from ..profiles import LEVEL_COLUMNS, LEVEL_WIDTHS, Profile
from ..profiles import widths as column_widths
from ..taxonomy import Taxonomy
from .blocks import Cell, IndicatorKey, Table


def indicator_rows(
    indicators: dict[str, dict[str, list[Indicator]]], taxonomy: Taxonomy, columns: list[str],
    overrides: dict[IndicatorKey, dict[str, Cell]] | None = None,
) -> list[list[Cell]]:
    """Rows of 一级/二级/三级 with merged cells; every 二级 of the preset is printed.

    `overrides` gives cells of some columns for an indicator (its score in the 自评表).
    """
    overrides = overrides or {}
    rows: list[list[Cell]] = []
    firsts = list(taxonomy.levels) + [f for f in indicators if f not in taxonomy.levels]
    for first in firsts:
        seconds_given = indicators.get(first, {})
        seconds = list(taxonomy.levels.get(first, ())) + [s for s in seconds_given if s not in taxonomy.levels.get(first, ())]
        first_row = len(rows)
        for second in seconds:
            items = seconds_given.get(second) or []
            second_row = len(rows)
            for i, item in enumerate(items or [None]):
                cells = _indicator_cells(item, columns, overrides.get((first, second, i), {}))
                rows.append([Cell(""), Cell(""), *cells])
            rows[second_row][1] = Cell(second, rowspan=len(items) or 1, label=True)
            for covered in rows[second_row + 1 :]:
                covered[1] = Cell("", rowspan=0)
        rows[first_row][0] = Cell(first, rowspan=len(rows) - first_row, label=True)
        for covered in rows[first_row + 1 :]:
            covered[0] = Cell("", rowspan=0)
    return rows


def _indicator_cells(item: Indicator | None, columns: list[str], overrides: dict[str, Cell]
                     ) -> list[Cell]:
    if item is None:
        return [Cell("") for _ in columns]
    return [overrides.get(column) or Cell(indicator_value(item, column)) for column in columns]


def indicator_value(item: Indicator, key: str) -> str:
    """The text of an indicator's field by its YAML key (三级指标, 计量单位…); "" when not given."""
    name = _field_names(type(item)).get(key)
    value = getattr(item, name) if name else None
    return "" if value is None else str(value)


@cache
def _field_names(model: type[Indicator]) -> dict[str, str]:
    return {f.alias or name: name for name, f in model.model_fields.items()}


def indicator_table(kind: str, name: str, indicators: dict[str, dict[str, list[Indicator]]],
                    taxonomy: Taxonomy, profile: Profile,
                    overrides: dict[IndicatorKey, dict[str, Cell]] | None = None) -> Table:
    """An indicator table with the columns the profile gives table `name`."""
    columns = profile.columns(name)
    return Table(kind, [*LEVEL_COLUMNS, *(c.header for c in columns)],
                 column_widths(columns, LEVEL_WIDTHS[name]),
                 indicator_rows(indicators, taxonomy, [c.key for c in columns], overrides))
