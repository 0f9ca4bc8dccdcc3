"""The chain: a self-evaluation takes its targets and task plans from the year's declaration."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, write_tree
from tools import line_of, position_of

from reportgen.build import related_inputs
from reportgen.checked import check_all
from reportgen.documents import Loader, validate
from reportgen.render.formats import RenderJob, run_job

DECL, SELF = "media/2024/declaration.yaml", "media/2024/self-evaluation.yaml"
TARGETS = ("        年度指标值: 55人\n", "        年度指标值: 有效提升\n", "        年度指标值: ≥90%\n")
TASK_PLAN = ("      主要实施内容: 保障编外人员工资\n      拟投入的资金: 968.19\n"
             "      期望达到的目标: 保障机构正常运转\n")


def without(text: str, *parts: str) -> str:
    for part in parts:
        text = edit(text, part, "")
    return text


def tree(tmp_path: Path, evaluation: str, declaration: str | None = DECLARATION) -> Path:
    files = {"media/department.yaml": DEPARTMENT, SELF: evaluation}
    if declaration is not None:
        files[DECL] = declaration
    return write_tree(tmp_path, files)


def findings(root: Path) -> list[tuple[str, str, int]]:
    result = validate([root])
    return [(Path(f.file).name, f.code, f.position.line) for f in result.findings]


SHORT = without(SELF_EVALUATION, *TARGETS, TASK_PLAN)  # names and actuals only


def test_targets_and_task_plans_come_from_the_declaration(tmp_path: Path) -> None:
    root = tree(tmp_path, SHORT)
    assert findings(root) == []
    document = Loader().load_document(root / SELF)
    indicators = document.model.indicators
    assert indicators["产出指标"]["数量指标"][0].target == "55人"
    assert indicators["满意度指标"]["服务对象满意度指标"][0].target == "≥90%"
    [task] = document.model.analysis.tasks
    assert (task.content, str(task.funds), task.goal) == ("保障编外人员工资", "968.19", "保障机构正常运转")


def test_same_values_written_twice_are_no_conflict(tmp_path: Path) -> None:
    text = edit(SELF_EVALUATION, "        年度指标值: 55人\n", "        年度指标值: 55 人\n")
    assert findings(tree(tmp_path, text)) == []


def test_conflict_is_reported_in_both_files(tmp_path: Path) -> None:
    evaluation = edit(edit(SELF_EVALUATION, "        年度指标值: 55人\n", "        年度指标值: 60人\n"),
                      "      拟投入的资金: 968.19\n", "      拟投入的资金: 900.00\n")
    root = tree(tmp_path, evaluation)
    result = validate([root])
    conflicts = [f for f in result.findings if f.code == "E609"]
    assert [(Path(f.file).name, f.position.line) for f in conflicts] == [
        ("declaration.yaml", line_of(DECLARATION, "拟投入的资金")),
        ("declaration.yaml", line_of(DECLARATION, "年度指标值: 55人")),
        ("self-evaluation.yaml", line_of(evaluation, "年度指标值: 60人")),
        ("self-evaluation.yaml", line_of(evaluation, "拟投入的资金: 900.00")),
    ]
    by_file = {(Path(f.file).name, f.path[-1]): f.message for f in conflicts}
    assert "年度指标值写为“60人”，与申报表中的“55人”不一致" in by_file[("self-evaluation.yaml", "年度指标值")]
    assert f"declaration.yaml 第 {line_of(DECLARATION, '年度指标值: 55人')} 行" in \
        by_file[("self-evaluation.yaml", "年度指标值")]
    assert "年度指标值为“55人”，与自评报告中所写的“60人”不一致" in by_file[("declaration.yaml", "年度指标值")]
    assert "拟投入的资金为“968.19”，与自评报告中所写的“900.00”不一致" in \
        by_file[("declaration.yaml", "拟投入的资金")]
    for kind in ("declaration.yaml", "self-evaluation.yaml"):  # neither file renders
        assert not Loader().load_document(root / "media/2024" / kind).ok


def test_missing_target_without_declaration(tmp_path: Path) -> None:
    root = tree(tmp_path, without(SELF_EVALUATION, TARGETS[0]), declaration=None)
    [finding] = validate([root]).findings
    assert (finding.code, finding.position.line) == ("E001", line_of(SELF_EVALUATION, "三级指标: 保障人数"))
    assert finding.message == "缺少必填项“年度指标值”（没有同年度的申报表可供引用）"


def test_missing_task_plan_without_declaration(tmp_path: Path) -> None:
    root = tree(tmp_path, without(SELF_EVALUATION, TASK_PLAN), declaration=None)
    assert [(f.code, f.message) for f in validate([root]).findings] == [
        ("E001", f"缺少必填项“{key}”（没有同年度的申报表可供引用）")
        for key in ("主要实施内容", "拟投入的资金", "期望达到的目标")
    ]


def test_indicator_not_in_declaration_needs_its_own_target(tmp_path: Path) -> None:
    evaluation = edit(SHORT, "      - 三级指标: 保障人数\n", "      - 三级指标: 保障人次\n")
    found = [f for f in validate([tree(tmp_path, evaluation)]).findings]
    assert [(f.code, Path(f.file).name) for f in found] == [  # sorted by line: 二级 key, then item
        ("W604", "self-evaluation.yaml"), ("E001", "self-evaluation.yaml")]
    # the declared indicator belongs under its 二级指标 key; the message names its line in the declaration
    assert (found[0].position.line, found[0].position.col) == position_of(evaluation, "数量指标:")
    assert f"declaration.yaml 第 {line_of(DECLARATION, '三级指标: 保障人数')} 行）未在自评中评价" in found[0].message
    assert "申报表中的三级指标“保障人数”（见" in found[0].message
    assert "同年度申报表中没有同名的指标或任务" in found[1].message


def test_declared_items_not_evaluated(tmp_path: Path) -> None:
    satisfaction = "  满意度指标:\n    服务对象满意度指标:\n      - 三级指标: 群众满意度\n" \
                   "        实际完成值: 95%\n"
    evaluation = without(SHORT, satisfaction)
    root = tree(tmp_path, evaluation)
    codes = [(name, code) for name, code, _ in findings(root)]
    assert ("self-evaluation.yaml", "W604") in codes and ("self-evaluation.yaml", "W603") in codes
    # its 一级指标 is gone: the warning points at 绩效指标, where it belongs, not at a sibling's line
    [unevaluated] = [f for f in validate([root]).findings if f.code == "W604"]
    assert "三级指标“群众满意度”" in unevaluated.message
    assert (unevaluated.position.line, unevaluated.position.col) == position_of(evaluation, "绩效指标:")


def test_broken_declaration(tmp_path: Path) -> None:
    root = tree(tmp_path, SHORT, declaration=DECLARATION.replace("年度: 2024", "年度: [2024"))
    found = findings(root)
    evaluation = [code for name, code, _ in found if name == "self-evaluation.yaml"]
    assert evaluation[0] == "W607" and evaluation.count("E001") == 6  # 3 targets, 3 task fields


def test_render_job_carries_the_declaration(tmp_path: Path) -> None:
    root = tree(tmp_path, SHORT)
    document = next(d for d in check_all([root]).documents if d.path == root / SELF)
    related = related_inputs(document)
    assert [role for role, _, _ in related] == ["sibling"]
    job = RenderJob(str(root / SELF), (root / SELF).read_bytes(), str(root / "media/department.yaml"),
                    DEPARTMENT.encode(), ("xlsx",), str(Path(__file__).resolve().parent.parent / "templates"),
                    related)
    sheet = openpyxl.load_workbook(io.BytesIO(run_job(job)["xlsx"])).active
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert {"55人", "有效提升", "≥90%"} <= values
