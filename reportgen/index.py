"""build/index.html: every document with its status, its findings and links to its formats."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .findings import summary

if TYPE_CHECKING:
    from .build import BuildReport, PlannedJob
    from .checked import Checks
    from .summary import Row


def write_index(out: Path, checks: Checks, planned: list[PlannedJob], report: BuildReport,
                table: list[Row] | None = None) -> None:
    from .build import write_atomic
    from .render.templates import environment

    by_document: dict[Path, list[PlannedJob]] = {}
    for job in planned:
        by_document.setdefault(job.document.path, []).append(job)
    done = {*report.built, *report.unchanged}
    rows = []
    for document in checks.documents:
        jobs = by_document.get(document.path, [])
        failed = [report.failed[j.output] for j in jobs if j.output in report.failed]
        if not document.ok:
            status = "校验未通过"
        elif failed:
            status = "生成失败"
        elif any(j.output not in done for j in jobs):
            status = "未完成（构建已中断）"
        else:
            status = "已生成"
        rows.append({
            "name": f"{document.department} {document.kind_row.name_output(document.year, document.subject)}"
                    if document.department else str(document.path),
            "source": str(document.path),
            "status": status,
            "ok": status == "已生成",
            "summary": summary(document.findings),
            "findings": [f.format() for f in document.findings],
            "errors": failed,
            "links": [{"fmt": j.fmt.upper(), "href": quote(j.output.relative_to(out).as_posix())}
                      for j in jobs if j.output.exists()]
                     + [{"fmt": f"{path.suffix[1:].upper()}（未更新）",
                         "href": quote(path.relative_to(out).as_posix())}
                        for path in report.stale.get(str(document.path), [])],
        })
    html = environment().get_template("index.html").render(
        rows=rows, summary=report.summary(), **_summary_data(table or []))
    write_atomic(out / "index.html", html.encode("utf-8"))


def _summary_data(table: list[Row]) -> dict:
    """The 汇总 table (cells and sort keys) and its charts, as index.html shows them."""
    from decimal import Decimal

    from markupsafe import Markup

    from .summary import COLUMNS, WORKBOOK, chart_bars, svg_chart

    bars = chart_bars(table)
    rate_top = max([Decimal(100), *(b.value for b in bars["rates"])])
    charts = [(title, Markup(svg_chart(items, top, title)))  # our own markup, every text escaped
              for title, items, top in (("预算执行率", bars["rates"], rate_top),
                                        ("自评得分", bars["scores"], Decimal(100))) if items]
    return {"summary_columns": COLUMNS, "summary_rows": [list(zip(r.cells, r.sort_keys, strict=True)) for r in table],
            "charts": charts, "workbook": quote(WORKBOOK)}
