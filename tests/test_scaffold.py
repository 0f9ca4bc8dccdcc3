"""`reportgen new`: next year's files and new departments; markers reported until filled in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, write_tree

from reportgen.cli import main
from reportgen.model.common import PLACEHOLDER
from reportgen.scaffold import scalar
from reportgen.source import load_text


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def markers(path: Path) -> list[int]:
    return [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(rf":\s*{PLACEHOLDER}(\s|$)|^\s*- {PLACEHOLDER}$", line)]


def fill(path: Path, values: dict[str, list[str]]) -> None:
    """Replace each `待填写` with the next value given for its key (list items: a sentence)."""
    queues: dict[str, Iterator[str]] = {key: iter(items) for key, items in values.items()}
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(rf"^(\s*(?:- )?)([^:#]+): {PLACEHOLDER}(.*)$", line)
        if match:
            key = match[2].strip()
            value = next(queues[key]) if key in queues else "已按计划完成。"
            line = f"{match[1]}{match[2]}: {value}{match[3]}"
        elif line.strip() == f"- {PLACEHOLDER}":
            line = line.replace(PLACEHOLDER, "按计划推进各项工作。")
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def sample_tree() -> None:
    write_tree(Path("content/media"), {
        "department.yaml": DEPARTMENT,
        "2024/declaration.yaml": DECLARATION,
        "2024/self-evaluation.yaml": SELF_EVALUATION,
    })


# Values that make the 2025 files of the samples consistent (sums, execution, staff…).
DECLARATION_2025 = {
    "基本支出": ["100"], "项目支出": ["100"], "财政专项资金": ["0"], "其他事业发展性支出": ["0"],
    "财政拨款": ["200"], "其他资金": ["0"], "区本级使用资金": ["200"], "拟用于对下转移支付资金": ["0"],
    "拟投入的资金": ["100"], "年度指标值": ["55人以上", "有效提升", "≥90%"],
}
SELF_EVALUATION_2025 = {
    "核定编制": ["60"], "人数": ["55", "20", "35"],
    "年初预算数": ["200"], "全年预算数": ["200", "100"], "实际执行数": ["100"],
    "金额": ["200", "0", "100", "60", "40", "100"],  # income ×2, 基本支出, its 明细 ×2, 项目支出
    "变动": ["-9909.30", "0"],  # 200 − 10109.30 (上年支出合计)
    "实际完成值": ["55人", "覆盖全区", "95%"], "完成档次": ["达成年度指标"], "档内得分比例": ["90%"],
    "个数": ["1"], "资金": ["100"],
}


def test_next_year_from_the_previous_year(runner: CliRunner) -> None:
    sample_tree()
    result = invoke(runner, "new", "media", "2025")
    assert result.exit_code == 0, result.output
    declaration = Path("content/media/2025/declaration.yaml")
    evaluation = Path("content/media/2025/self-evaluation.yaml")
    assert f"已写入 {declaration}" in result.output and f"已写入 {evaluation}" in result.output
    decl_text, eval_text = declaration.read_text("utf-8"), evaluation.read_text("utf-8")
    assert decl_text.splitlines()[0] == "# yaml-language-server: $schema=../../../schemas/表式/guangzhou/declaration.schema.json"
    assert eval_text.splitlines()[0] == \
        "# yaml-language-server: $schema=../../../schemas/表式/guangzhou/self-evaluation.schema.json"
    # Stable facts carried over, figures left to fill in, last year's figures as 上年.
    for fact in ("年度: 2025", "- 名称: 机构运行辅助经费", "- 三级指标: 保障人数", "质量指标: []",
                 f"拟投入的资金: {PLACEHOLDER}  # 2024 年为 968.19"):
        assert fact in decl_text
    for fact in ("- 类别: 在编在职人员", "上年人数: 55", "上年支出合计: 10109.30", "- 名称: 公用经费",
                 "分值: 50", f"完成档次: {PLACEHOLDER}"):
        assert fact in eval_text
    assert "年度指标值:" not in eval_text  # taken from this year's declaration
    assert "主要实施内容:" not in eval_text

    checked = invoke(runner, "validate", "content/media")
    assert checked.exit_code == 1
    found = re.findall(r"^(\S+?):(\d+):\d+: 错误 (E\d{3}) ", checked.stdout, flags=re.M)
    assert {code for _, _, code in found} == {"E007"}  # nothing but the markers…
    assert sorted((f, int(n)) for f, n, _ in found) == sorted(  # …one finding for each
        [(str(declaration), n) for n in markers(declaration)] + [(str(evaluation), n) for n in markers(evaluation)])

    fill(declaration, DECLARATION_2025)
    fill(evaluation, SELF_EVALUATION_2025)
    checked = invoke(runner, "validate", "content/media")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines() == ["已校验 5 个文件：0 个错误，0 个警告"]


def test_new_department(runner: CliRunner) -> None:
    result = invoke(runner, "new", "my-dept", "2025", "--name", "某某部门")
    assert result.exit_code == 0, result.output
    department, declaration = Path("content/my-dept/department.yaml"), Path("content/my-dept/2025/declaration.yaml")
    assert department.read_text("utf-8").splitlines()[0] == \
        "# yaml-language-server: $schema=../../schemas/department.schema.json"
    assert declaration.read_text("utf-8").splitlines()[0] == \
        "# yaml-language-server: $schema=../../../schemas/表式/guangzhou/declaration.schema.json"
    assert "部门名称: 某某部门" in department.read_text("utf-8")
    assert "#" in declaration.read_text("utf-8").splitlines()[1]  # a commented skeleton

    checked = invoke(runner, "validate", "content/my-dept")
    assert checked.exit_code == 1
    codes = re.findall(r" 错误 (E\d{3}) ", checked.stdout)
    assert set(codes) == {"E007"} and len(codes) == len(markers(department)) + len(markers(declaration))

    fill(department, {})
    fill(declaration, {
        "基本支出": ["100"], "项目支出": ["0"], "财政专项资金": ["0"], "其他事业发展性支出": ["0"],
        "财政拨款": ["100"], "其他资金": ["0"], "区本级使用资金": ["100"], "拟用于对下转移支付资金": ["0"],
        "拟投入的资金": ["100"], "年度指标值": ["≥90%"] * 3,
    })
    checked = invoke(runner, "validate", "content/my-dept")
    assert checked.exit_code == 0, checked.output


def test_existing_files_are_never_overwritten(runner: CliRunner) -> None:
    sample_tree()
    assert invoke(runner, "new", "media", "2025").exit_code == 0
    path = Path("content/media/2025/declaration.yaml")
    path.write_text("# edited\n", encoding="utf-8")
    result = invoke(runner, "new", "media", "2025")
    assert result.exit_code == 1
    assert "文件已存在，不会覆盖" in result.stderr and str(path) in result.stderr
    assert path.read_text("utf-8") == "# edited\n"


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["new", "media", "2030"], "没有找到 2029 年的申报表或自评报告", id="no-previous-year"),
    pytest.param(["new", "other", "2025"], "新建部门请用 --name 给出部门全称", id="new-department-without-name"),
    pytest.param(["new", "media", "2025", "--name", "另一个部门"], "不需要 --name", id="name-of-existing"),
    pytest.param(["new", "../x", "2025", "--name", "某某部门"], "部门文件夹名“../x”不可用：不能含有 /", id="bad-folder-name"),
])
def test_refusals(runner: CliRunner, args: list[str], message: str) -> None:
    sample_tree()
    result = invoke(runner, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not Path("content/media/2030").exists() and not Path("content/other").exists()


@pytest.mark.parametrize("text", [
    "保障人数", "90%以上", "yes", "no", "null", "", "- 开头", "a: b", "# 注释", "带 # 号", "结尾冒号:",
    "'引号", "[列表]", "23,618份", " 前导空格", "≥90%",
])
def test_scalars_read_back_unchanged(text: str) -> None:
    source = load_text(f"键: {scalar(text)}\n", "x.yaml")
    assert source.findings == [] and source.data == {"键": text}


def test_existing_files_are_named_even_when_last_year_has_errors(runner: CliRunner) -> None:
    sample_tree()
    assert invoke(runner, "new", "media", "2025").exit_code == 0
    previous = next(Path("content/media/2024").glob("*.yaml"))
    previous.write_text(previous.read_text("utf-8").replace("年度: 2024", "年度: [2024"), encoding="utf-8")
    assert invoke(runner, "validate", str(previous)).exit_code == 1
    result = invoke(runner, "new", "media", "2025")
    assert result.exit_code == 1 and "文件已存在，不会覆盖" in result.stderr and "有错误" not in result.stderr


def test_next_year_keeps_the_parts_of_last_years_form(runner: CliRunner) -> None:
    """A Hubei department's next declaration has that form's 预算整体情况: no 事业发展性支出 or
    按预算级次划分; 近两年收支金额 moves on a year, last year's later year carried over."""
    import shutil

    shutil.copytree(Path(__file__).parent / "fixtures/profiles/hubei", "content")
    result = invoke(runner, "new", "panyu-media-center", "2024")
    assert result.exit_code == 0, result.output
    declaration = Path("content/panyu-media-center/2024/declaration.yaml")
    text = declaration.read_text("utf-8")
    assert "事业发展性支出" not in text and "按预算级次划分" not in text
    assert re.search(r"- 年度: 2022\n\s+收入金额: 10023.4100  # 沿用上年，请核对\n\s+支出金额: 9968.1918\n"
                     rf"\s+- 年度: 2023\n\s+收入金额: {PLACEHOLDER}\n\s+支出金额: {PLACEHOLDER}\n", text), text
    checked = invoke(runner, "validate", str(declaration))
    codes = set(re.findall(r"错误 (E\d{3}) ", checked.stdout))
    assert codes == {"E007"}, checked.stdout  # only the markers: no E303, E305 or E209


def test_a_new_department_gets_the_budget_parts_of_the_trees_form(runner: CliRunner) -> None:
    Path("content").mkdir()
    Path("content/settings.yaml").write_text("表式: hubei\n", encoding="utf-8")
    assert invoke(runner, "new", "county-dept", "2025", "--name", "某某县某某局").exit_code == 0
    declaration = Path("content/county-dept/2025/declaration.yaml")
    text = declaration.read_text("utf-8")
    assert "事业发展性支出" not in text and "按预算级次划分" not in text
    assert text.count(f"- 年度: {PLACEHOLDER}") == 2
    checked = invoke(runner, "validate", str(declaration))
    assert set(re.findall(r"错误 (E\d{3}) ", checked.stdout)) == {"E007"}, checked.stdout
