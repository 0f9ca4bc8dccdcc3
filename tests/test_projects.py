"""Project-level forms (项目支出绩效目标申报表, 项目支出绩效自评表), their chain with the department's
documents, the summary (汇总) and `reportgen new --project`."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, write_tree
from tools import ROOT, docx_text, html_text_parts, line_of, pdf_text, position_of, xlsx_text

from reportgen.build import build
from reportgen.cli import main
from reportgen.documents import Loader, validate
from reportgen.render.formats import render_document
from reportgen.serve import Site
from reportgen.summary import WORKBOOK

PROJECT_DECLARATION = """\
项目名称: 机构运行辅助经费
年度: 2024
主管部门: 广州市番禺区融媒体中心
实施单位: 广州市番禺区融媒体中心
项目属性: 延续
项目期: 2024—2026年
项目资金:
  中期资金总额:
    资金总额: 2900.00
    财政拨款: 2900.00
    其他资金: 0.00
  年度资金总额:
    资金总额: 968.19
    财政拨款: 968.19
    其他资金: 0.00
总体目标:
  中期目标: 三年内保障编外人员队伍稳定。
  年度目标: 保障机构正常运转。
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 保障人数
        中期指标值: 55人
        年度指标值: 55人
  效益指标:
    社会效益指标:
      - 三级指标: 队伍稳定
        年度指标值: 显著提升
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 职工满意度
        年度指标值: ≥90%
"""

# 执行率 960.00 ÷ 968.19 = 99.154 % → 9.92 points; 产出 50, 效益 30 × 90 %, 满意度 10: 96.92 (优).
PROJECT_EVALUATION = """\
项目名称: 机构运行辅助经费
年度: 2024
主管部门: 广州市番禺区融媒体中心
实施单位: 广州市番禺区融媒体中心
项目资金:
  年度资金总额:
    年初预算数: 968.19
    全年预算数: 968.19
    全年执行数: 960.00
  当年财政拨款:
    年初预算数: 968.19
    全年预算数: 968.19
    全年执行数: 960.00
年度总体目标:
  实际完成情况: 按时足额发放编外人员工资。
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 保障人数
        实际完成值: 55人
  效益指标:
    社会效益指标:
      - 三级指标: 队伍稳定
        实际完成值: 队伍稳定
        完成档次: 达成年度指标
        档内得分比例: 90%
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 职工满意度
        实际完成值: 95%
"""

FOLDER = "media/2024/projects/staff"


def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "content", {
        "media/department.yaml": DEPARTMENT, "media/2024/declaration.yaml": DECLARATION,
        "media/2024/self-evaluation.yaml": SELF_EVALUATION,
        f"{FOLDER}/project-declaration.yaml": PROJECT_DECLARATION,
        f"{FOLDER}/project-self-evaluation.yaml": PROJECT_EVALUATION})


def findings(root: Path) -> list[tuple[str, str, int, str]]:
    return [(Path(f.file).name, f.code, f.position.line, f.message) for f in validate([root]).findings]


def test_projects_validate_and_add_up_to_the_departments(tmp_path: Path) -> None:
    found = findings(tree(tmp_path))
    errors = [f for f in found if f[1].startswith("E")]
    assert not errors, errors
    # the declaration's 项目支出 6998.54 has one project of 968.19: the rest is named as missing
    [gap] = [f for f in found if f[1] == "W710" and f[0] == "declaration.yaml"]
    assert gap[2] == 6 and "合计 968.19" in gap[3] and "少 6,030.35" in gap[3]


def test_project_funds_add_up_located(tmp_path: Path) -> None:
    root = tree(tmp_path)
    declaration = edit(PROJECT_DECLARATION, "    资金总额: 968.19\n", "    资金总额: 968.50\n")
    evaluation = edit(PROJECT_EVALUATION, "    全年执行数: 960.00\n年度总体目标", "    全年执行数: 950.00\n年度总体目标")
    write_tree(root, {"media/2024/projects/staff/project-declaration.yaml": declaration,
                      "media/2024/projects/staff/project-self-evaluation.yaml": evaluation})
    found = [(name, code, line) for name, code, line, _ in findings(root) if code == "E201"]
    assert ("project-declaration.yaml", "E201", 13) in found  # 年度资金总额.资金总额
    assert ("project-self-evaluation.yaml", "E201", 9) in found  # 全年执行数 of 年度资金总额


def test_project_score_and_grade_follow_the_scoring_rules(tmp_path: Path) -> None:
    root = tree(tmp_path)
    document = Loader().load_document(root / FOLDER / "project-self-evaluation.yaml")
    card = document.scorecard
    assert card.execution.score.quantize(Decimal("0.01")) == Decimal("9.92")
    assert card.total.quantize(Decimal("0.01")) == Decimal("96.92") and card.grade == "优"
    # the targets were taken from the project declaration of the same folder
    assert document.model.indicators["产出指标"]["数量指标"][0].target == "55人"
    text = "".join(html_text_parts(render_document(document, "html")))
    assert "96.92" in text and "优" in text and "99.15%" in text and "按时足额发放编外人员工资。" in text


def test_a_missed_project_target_needs_its_reason(tmp_path: Path) -> None:
    evaluation = edit(PROJECT_EVALUATION, "        实际完成值: 55人\n", "        实际完成值: 50人\n")
    root = tree(tmp_path)
    write_tree(root, {f"{FOLDER}/project-self-evaluation.yaml": evaluation})
    assert ("project-self-evaluation.yaml", "E602", 20) in [f[:3] for f in findings(root)]
    with_reason = edit(evaluation, "        实际完成值: 50人\n", "        实际完成值: 50人\n        偏差原因分析及改进措施: 5人离职，已补招。\n")
    write_tree(root, {f"{FOLDER}/project-self-evaluation.yaml": with_reason})
    assert "E602" not in [f[1] for f in findings(root)]


def test_projects_beyond_the_departments_spending_are_named(tmp_path: Path) -> None:
    big = edit(PROJECT_DECLARATION, "项目名称: 机构运行辅助经费", "项目名称: 新增大项目")
    big = big.replace("968.19", "7000.00").replace("2900.00", "9000.00")
    root = tree(tmp_path)
    write_tree(root, {"media/2024/projects/extra/project-declaration.yaml": big})
    found = findings(root)
    [surplus] = [f for f in found if f[1] == "E710"]
    assert surplus[:3] == ("declaration.yaml", "E710", 6) and "新增大项目 7,000.00" in surplus[3]  # 项目支出
    [named] = [f for f in found if f[1] == "W711"]
    assert "“新增大项目”不在年度重点工作任务中" in named[3]
    assert named[:3] == ("declaration.yaml", "W711", line_of(DECLARATION, "年度重点工作任务:"))  # the list of names


def test_project_names_not_in_the_reports_list_are_located_at_the_list(tmp_path: Path) -> None:
    renamed = edit(SELF_EVALUATION, "    - 名称: 机构运行辅助经费\n      全年预算数", "    - 名称: 机构运行经费\n      全年预算数")
    root = tree(tmp_path)
    write_tree(root, {"media/2024/self-evaluation.yaml": renamed})
    named = [(f.code, Path(f.file).name, (f.position.line, f.position.col), f.message)
             for f in validate([root]).findings if f.code == "W711"]
    where = position_of(renamed, "重点任务项目支出:")
    assert [f[:3] for f in named] == [("W711", "self-evaluation.yaml", where)] * 2
    assert "重点任务项目支出中的“机构运行经费”没有对应的项目表" in named[0][3]
    assert "项目“机构运行辅助经费”不在重点任务项目支出中" in named[1][3]


def test_the_report_takes_project_spending_from_the_project_self_evaluations(tmp_path: Path) -> None:
    report = edit(SELF_EVALUATION, "      全年预算数: 968.19\n      实际执行数: 960.00\n", "")
    root = tree(tmp_path)
    write_tree(root, {"media/2024/self-evaluation.yaml": report})
    document = Loader().load_document(root / "media/2024/self-evaluation.yaml")
    assert document.ok, [f.format() for f in document.findings]
    text = "".join(html_text_parts(render_document(document, "html")))
    assert "全年预算数968.19万元，实际执行数960.00万元" in text
    # a figure stated in both places must agree; one stated nowhere is an error
    conflict = edit(SELF_EVALUATION, "      实际执行数: 960.00\n", "      实际执行数: 961.00\n")
    write_tree(root, {"media/2024/self-evaluation.yaml": conflict})
    line = conflict.splitlines().index("      实际执行数: 961.00") + 1
    assert ("self-evaluation.yaml", "E711", line) in [f[:3] for f in findings(root)]
    (root / FOLDER / "project-self-evaluation.yaml").unlink()
    write_tree(root, {"media/2024/self-evaluation.yaml": report})
    assert [f[1] for f in findings(root)].count("E712") == 2


def test_the_sample_projects_of_the_seed_department() -> None:
    """Built from the seeds' key tasks: names and funds as published, nothing invented (W702)."""
    findings = validate([ROOT / "content"]).findings
    found = [(f.file, f.code, f.message) for f in findings]
    assert not [f for f in found if f[1].startswith("E") and f[1] not in ("E607", "E608")]
    projects = sorted(ROOT.glob("content/panyu-media-center/*/projects/*/project-*.yaml"))
    assert len(projects) == 10
    publishing = ROOT / "content/panyu-media-center/2023/projects/publishing/project-declaration.yaml"
    [attribute] = [f for f in findings if f.code == "W702" and "项目属性" in f.message and
                   Path(f.file).resolve() == publishing]
    # a top-level field left out belongs to the document: its first key, after the header comments
    text = publishing.read_text(encoding="utf-8")
    assert (attribute.position.line, attribute.position.col) == position_of(text, "项目名称:")
    declaration = next(f for f in found if f[1] == "W710" and f[0].endswith("2023/declaration.yaml"))
    assert "6,221.32" in declaration[2] and "少 777.22" in declaration[2]


@pytest.mark.parametrize(("left_out", "parent"), [
    pytest.param("项目属性: 延续\n", "项目名称:", id="top-level-at-the-first-key"),
    pytest.param("    财政拨款: 968.19\n", "年度资金总额:", id="annual-appropriation"),
    pytest.param("  中期目标: 三年内保障编外人员队伍稳定。\n", "总体目标:", id="medium-term-goal"),
])
def test_a_field_left_out_is_located_where_it_belongs(tmp_path: Path, left_out: str, parent: str) -> None:
    """W702 points at the key the field belongs under (the document's first key for a top-level one)."""
    text = edit(PROJECT_DECLARATION, left_out, "")
    root = write_tree(tmp_path, {"media/department.yaml": DEPARTMENT, f"{FOLDER}/project-declaration.yaml": text})
    unstated = [(f.code, (f.position.line, f.position.col), f.message) for f in validate([root]).findings]
    key = left_out.split(":")[0].strip()
    assert unstated == [("W702", position_of(text, parent), f"未填写“{key}”：表中此栏将留空，请补充")]


def test_build_writes_project_outputs_and_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = tree(tmp_path)
    out = tmp_path / "build"
    report = build([root], out, formats=("html", "docx", "xlsx"), templates=ROOT / "templates", jobs=1)
    assert report.ok, report.failed
    folder = out / "广州市番禺区融媒体中心"
    for title in ("项目支出绩效目标申报表", "项目支出绩效自评表"):
        for suffix in (".html", ".docx", ".xlsx"):
            assert (folder / f"2024年{title}（机构运行辅助经费）{suffix}").exists()
    sheet = openpyxl.load_workbook(folder / "2024年项目支出绩效自评表（机构运行辅助经费）.xlsx").active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"项目资金\n（万元）", "保障人数", "优", 968.19, 960} <= values  # figures as numbers
    with zipfile.ZipFile(folder / "2024年项目支出绩效目标申报表（机构运行辅助经费）.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "三年内保障编外人员队伍稳定。" in xml and "2024—2026年" in xml
    book = openpyxl.load_workbook(out / WORKBOOK)
    departments, projects = book["部门文书"], book["项目"]
    rows = {row[2]: row for row in departments.iter_rows(min_row=2, values_only=True)}
    evaluation = rows["部门整体支出绩效自评报告"]
    assert evaluation[0] == "广州市番禺区融媒体中心" and evaluation[1] == 2024 and evaluation[8] == "优"
    assert [row[3] for row in projects.iter_rows(min_row=2, values_only=True)] == ["机构运行辅助经费"] * 2
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<svg" in index and "预算执行率" in index and "96.92" in index
    assert not re.search(r"<script[^>]+src=|https?://", index)  # nothing from outside


def test_summary_rows_come_from_the_cache_when_nothing_changed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = tree(tmp_path)
    out = tmp_path / "build"
    build([root], out, formats=("html",), templates=ROOT / "templates", jobs=1)
    first = (out / WORKBOOK).read_bytes()
    again = build([root], out, formats=("html",), templates=ROOT / "templates", jobs=1)
    assert again.built == [] and (out / WORKBOOK).read_bytes() == first
    # a project's edit rebuilds that project and the report that prints its figures, nothing else
    path = root / FOLDER / "project-self-evaluation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("按时足额", "按时"), encoding="utf-8")
    third = build([root], out, formats=("html",), templates=ROOT / "templates", jobs=1)
    assert sorted(p.name for p in third.built) == ["2024年部门整体支出绩效自评报告.html",
                                                   "2024年项目支出绩效自评表（机构运行辅助经费）.html"]


def test_new_project_from_last_year_and_from_scratch(tmp_path: Path, monkeypatch) -> None:
    root = tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "media", "2025", "--project", "staff", "--content", str(root)])
    assert result.exit_code == 0, result.output
    made = root / "media/2025/projects/staff"
    declaration = (made / "project-declaration.yaml").read_text(encoding="utf-8")
    assert "项目名称: 机构运行辅助经费" in declaration and "项目属性: 延续" in declaration
    assert "中期目标: 三年内保障编外人员队伍稳定。" in declaration and "2024 年为 968.19" in declaration
    codes = {f.code for f in validate([made]).findings}
    assert "E007" in codes and codes <= {"E007", "W702", "W603", "W601", "W602", "W403"}
    result = CliRunner().invoke(main, ["new", "media", "2025", "--project", "fresh", "--content", str(root)])
    assert result.exit_code == 1 and "--name" in result.output
    result = CliRunner().invoke(main, ["new", "media", "2025", "--project", "fresh", "--name", "新媒体运营经费",
                                       "--content", str(root)])
    assert result.exit_code == 0, result.output
    fresh = validate([root / "media/2025/projects/fresh"])
    assert {f.code for f in fresh.findings if f.is_error} == {"E007"}


def test_projects_preview(tmp_path: Path, monkeypatch) -> None:
    root = tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    site = Site(Path("content"), ROOT / "templates")
    site.rebuild()
    entry = site.entry("media/2024/projects/staff/project-self-evaluation.yaml")
    assert entry is not None and entry.ok
    assert entry.title == "广州市番禺区融媒体中心 2024年项目支出绩效自评表（机构运行辅助经费）"
    assert "按时足额发放编外人员工资。" in entry.html.decode("utf-8")
    # saving a project re-renders the department's documents of its year too
    rebuilt = site.rebuild([root / FOLDER / "project-self-evaluation.yaml"])
    assert "media/2024/self-evaluation.yaml" in rebuilt.keys and "media/2024/declaration.yaml" in rebuilt.keys


def test_project_references_are_filled_in_every_format_and_located_when_unknown(tmp_path: Path) -> None:
    """`{{ … }}` in a project's text fields: filled as in the department's documents, or a located error."""
    root = tree(tmp_path)
    declaration = edit(PROJECT_DECLARATION, "  年度目标: 保障机构正常运转。\n",
                       "  年度目标: 保障{{ 年度 }}年机构正常运转。\n")
    write_tree(root, {f"{FOLDER}/project-declaration.yaml": declaration})
    document = Loader().load_document(root / FOLDER / "project-declaration.yaml")
    assert document.ok, [f.format() for f in document.findings]
    printed = {
        "html": "".join(html_text_parts(render_document(document, "html"))),
        "pdf": pdf_text(render_document(document, "pdf"), tmp_path),
        "docx": docx_text(render_document(document, "docx"), tmp_path),
        "xlsx": xlsx_text(render_document(document, "xlsx")),
    }
    for fmt, text in printed.items():
        assert "保障2024年机构正常运转" in text.replace("\n", ""), fmt
        assert "{{" not in text, fmt

    unknown = edit(PROJECT_DECLARATION, "  年度目标: 保障机构正常运转。\n", "  年度目标: 保障{{ 年份 }}年机构运转。\n")
    write_tree(root, {f"{FOLDER}/project-declaration.yaml": unknown})
    located = [f for f in findings(root) if f[0] == "project-declaration.yaml" and f[1].startswith("E5")]
    assert located and located[0][2] == 18, located  # the line of 年度目标


def test_a_project_rate_just_under_the_threshold_is_not_printed_as_the_threshold(tmp_path: Path) -> None:
    """8999.99 ÷ 10000 = 89.9999%: rounded it would read "90% 低于 90%"."""
    evaluation = PROJECT_EVALUATION.replace("    全年预算数: 968.19\n", "    全年预算数: 10000.00\n") \
        .replace("    全年执行数: 960.00\n", "    全年执行数: 8999.99\n")
    root = tree(tmp_path)
    write_tree(root, {f"{FOLDER}/project-self-evaluation.yaml": evaluation})
    [(name, code, line, message)] = [f for f in findings(root) if f[1] == "E601"]
    assert (name, line) == ("project-self-evaluation.yaml", 5)
    assert "执行率 89.99% 低于 90%" in message


def test_a_years_funds_above_the_medium_term_are_located(tmp_path: Path) -> None:
    declaration = PROJECT_DECLARATION.replace("    资金总额: 968.19\n    财政拨款: 968.19",
                                              "    资金总额: 3000.00\n    财政拨款: 3000.00")
    root = tree(tmp_path)
    write_tree(root, {f"{FOLDER}/project-declaration.yaml": declaration})
    [(name, _, line, message)] = [f for f in findings(root) if f[1] == "E703"]
    assert (name, line) == ("project-declaration.yaml", 13)  # 年度资金总额.资金总额
    assert "年度资金总额 3,000.00 大于中期资金总额 2,900.00" in message
