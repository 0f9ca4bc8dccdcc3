"""The command line, through click's test runner: output lines, JSON, exit codes, schemas, help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, write_tree

from reportgen import profiles
from reportgen.cli import main

LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<label>错误|警告|已豁免) "
    r"(?P<code>[EW]\d{3}) \[(?P<path>\S+)\] (?P<message>.+)$"
)
CJK = re.compile(r"[\u4e00-\u9fff]")

# Declaration with errors reported out of line order by the checks: E202 (line 10), E302 (line 29),
# E402 (line 2, the folder is 2023).
BAD_DECLARATION = edit(
    edit(DECLARATION, "    财政拨款: 10112.30", "    财政拨款: 10200.00"),
    "  效益指标:\n", "  效益指标:\n    质量指标:\n",
)
# Self-evaluation with a loader error (E104, line 8) and a model error (E006, line 30).
BAD_SELF_EVALUATION = edit(
    edit(SELF_EVALUATION, "        人数: 55", "        人数: yes"),
    "          金额: 10000.00", "          金额: 10000.00万元",
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner working in an empty folder, so that findings name relative paths."""
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def clean_tree() -> None:
    write_tree(Path("media"), {
        "department.yaml": DEPARTMENT,
        "2024/declaration.yaml": DECLARATION,
        "2024/self-evaluation.yaml": SELF_EVALUATION,
    })


def bad_tree() -> None:
    write_tree(Path("media"), {
        "department.yaml": DEPARTMENT,
        "2023/self-evaluation.yaml": BAD_SELF_EVALUATION,
        "2023/declaration.yaml": BAD_DECLARATION,
    })


def test_clean_file(runner: CliRunner) -> None:
    clean_tree()
    result = invoke(runner, "validate", "media/2024/declaration.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "已校验 2 个文件：0 个错误，0 个警告"  # with department.yaml


def test_clean_folder(runner: CliRunner) -> None:
    clean_tree()
    result = invoke(runner, "validate", "media")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["已校验 3 个文件：0 个错误，0 个警告"]


def test_errors_are_listed_sorted_by_file_and_line(runner: CliRunner) -> None:
    bad_tree()
    result = invoke(runner, "validate", "media")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    found = [(m["file"], int(m["line"]), int(m["col"]), m["code"]) for m in matches]
    declaration, self_evaluation = "media/2023/declaration.yaml", "media/2023/self-evaluation.yaml"
    assert found == [
        (declaration, 2, 5, "E402"),
        (declaration, 10, 3, "E202"),
        (declaration, 29, 5, "E302"),
        (self_evaluation, 8, 13, "E006"),  # same place: by code
        (self_evaluation, 8, 13, "E104"),
        (self_evaluation, 30, 23, "E006"),  # at the 万元 written after the number
    ]
    assert lines[0] == f"{declaration}:2:5: 错误 E402 [年度] 年度 2024 与所在年度文件夹 2023 不一致"
    assert lines[-1] == (f"{self_evaluation}:30:23: 错误 E006 [基本情况.收支情况.收入.来源[1].金额] "
                         "数字后不要写单位“万元”（单位为万元），请改为：10000.00")
    assert result.stderr.splitlines() == ["已校验 3 个文件：6 个错误，0 个警告"]


def test_json(runner: CliRunner) -> None:
    bad_tree()
    result = invoke(runner, "validate", "--format", "json", "media")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert len(data) == 6
    for item in data:
        assert {"file", "code", "line", "col", "path", "severity", "message"} <= item.keys()
        assert isinstance(item["line"], int) and isinstance(item["col"], int)
        assert item["severity"] == "error"
    assert data[0] | {"message": ""} == {
        "file": "media/2023/declaration.yaml", "code": "E402", "line": 2, "col": 5, "path": "年度",
        "severity": "error", "message": "", "waived": None,
    }


def test_json_of_clean_file_is_an_empty_list(runner: CliRunner) -> None:
    clean_tree()
    result = invoke(runner, "validate", "--format", "json", "media")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(("args", "exit_code"), [
    pytest.param([], 0, id="warning-passes"),
    pytest.param(["--strict"], 1, id="strict-warning-fails"),
])
def test_strict(runner: CliRunner, args: list[str], exit_code: int) -> None:
    write_tree(Path("media"), {"2024/declaration.yaml": DECLARATION})  # no department.yaml: W403
    result = invoke(runner, "validate", *args, "media")
    assert result.exit_code == exit_code
    assert "警告 W403" in result.stdout
    assert "0 个错误，1 个警告" in result.stderr


@pytest.mark.parametrize(("files", "args", "message"), [
    pytest.param({"notes.yaml": "a: 1\n"}, ["notes.yaml"], "不是 reportgen 内容文件", id="other-file-name"),
    pytest.param({"empty/.keep": ""}, ["empty"], "没有找到内容文件", id="no-content"),
    pytest.param({}, ["missing.yaml"], "missing.yaml", id="missing-path"),
    pytest.param({}, ["--format", "xml", "."], "xml", id="bad-option"),
])
def test_usage_errors(runner: CliRunner, files: dict[str, str], args: list[str], message: str) -> None:
    write_tree(Path("."), files)
    result = invoke(runner, "validate", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_schema(runner: CliRunner) -> None:
    result = invoke(runner, "schema", "--out", "out")
    assert result.exit_code == 0, result.output
    written = sorted(p for p in Path("out").iterdir() if p.is_file())
    assert [p.name for p in written] == [
        "declaration.schema.json", "department.schema.json", "project-declaration.schema.json",
        "project-self-evaluation.schema.json", "self-evaluation.schema.json", "settings.schema.json",
    ]
    assert sorted(p.name for p in (Path("out") / "表式").iterdir()) == profiles.available()
    expected_keys = {"declaration": "预算整体情况", "self-evaluation": "基本情况", "department": "部门名称",
                     "settings": "评分", "project-declaration": "项目资金", "project-self-evaluation": "年度总体目标"}
    for path in written:
        text = path.read_text(encoding="utf-8")
        schema = json.loads(text)
        assert schema["$schema"].startswith("https://json-schema.org/")
        assert expected_keys[path.name.removesuffix(".schema.json")] in schema["properties"]
        assert expected_keys[path.name.removesuffix(".schema.json")] in text  # Chinese, not \u escapes
        assert f"已写入 {path}" in result.output


def _commands(group: click.Group) -> list[list[str]]:
    return [[], *([name] for name in group.commands)]


@pytest.mark.parametrize("command", _commands(main), ids=lambda c: " ".join(c) or "reportgen")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_chinese(runner: CliRunner, command: list[str], flag: str) -> None:
    result = invoke(runner, *command, flag)
    assert result.exit_code == 0
    description = result.output.split("\n\n")[1]
    assert CJK.search(description), result.output
    target = main.commands[command[0]] if command else main
    for param in target.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            assert param.help and CJK.search(param.help), param.name


def test_ctrl_c_during_render_keeps_the_previous_output(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_tree()
    Path("out.html").write_text("earlier", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("reportgen.render.formats.render_document", interrupted)
    result = invoke(runner, "render", "media/2024/declaration.yaml", "--to", "html", "-o", "out.html")
    assert result.exit_code == 130 and "已中断：没有写入 out.html（原有文件未改动）" in result.stderr
    assert Path("out.html").read_text(encoding="utf-8") == "earlier"


# --- click's own messages ------------------------------------------------------------------------

# English that click would print if its messages were not translated.
CLICK_ENGLISH = re.compile(r"Usage|Error|Try |for help|No such|Missing|Invalid|Options|Commands|Show this|"
                           r"is not|Got unexpected|requires|Did you mean|does not exist|DIRECTORY|TEXT|INTEGER")


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["--nope"], "错误：没有这个选项：--nope", id="no-such-option"),
    pytest.param(["validate", "--strcit"], "是否应为 '--strict'", id="option-typo"),
    pytest.param(["bild"], "没有这个命令：bild", id="no-such-command"),
    pytest.param(["render"], "缺少参数 'FILE'。", id="missing-argument"),
    pytest.param(["render", "x.yaml", "--to"], "选项 --to 需要一个值", id="option-without-value"),
    pytest.param(["validate", "missing.yaml"], "不存在", id="missing-path"),
    pytest.param(["validate", "--format", "xml"], "'xml' 不是可用的值", id="bad-choice"),
    pytest.param(["new", "x", "abc"], "'abc' 不是有效的数字", id="not-a-number"),
    pytest.param(["new", "x", "1999"], "1999 不在范围", id="out-of-range"),
    pytest.param(["build", "--to", "odt"], "--to 的值无效：未知格式：odt", id="bad-parameter"),
    pytest.param(["schema", "extra"], "多出了参数（extra）", id="extra-argument"),
])
def test_usage_errors_are_chinese(runner: CliRunner, args: list[str], expected: str) -> None:
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert expected in result.stderr, result.stderr
    assert "错误：" in result.stderr
    if args[-1] != "--to":  # (click gives no usage line for an option missing its value)
        assert "用法： reportgen " in result.stderr and "查看帮助" in result.stderr
    assert not CLICK_ENGLISH.search(result.stderr), result.stderr


@pytest.mark.parametrize("command", _commands(main), ids=lambda c: " ".join(c) or "reportgen")
def test_help_has_no_english_of_click(runner: CliRunner, command: list[str]) -> None:
    result = invoke(runner, *command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("用法：") and "选项：" in result.output
    assert "显示本帮助并退出。" in result.output
    assert not CLICK_ENGLISH.search(result.output.replace("PATHS", "").replace("OPTIONS", "")), result.output


def test_help_columns_align_by_display_width(runner: CliRunner) -> None:
    lines = [line for line in invoke(runner, "serve", "--help").output.splitlines() if line.startswith("  --")]
    from reportgen.cli_text import display_width

    starts = {display_width(line[: re.search(r"\S  +\S", line).end() - 1]) for line in lines}
    assert len(starts) == 1, lines  # every option's help starts in the same column


def test_every_catalog_entry_is_a_message_of_click() -> None:
    """An upgrade of click that rewords a message shows up here, not as English on a user's screen."""
    import ast

    from reportgen import cli_text

    marked = set()
    for module in cli_text.MODULES:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
                marked.update(a.value for a in node.args if isinstance(a, ast.Constant))
    marked.add("required")  # passed to _() through a variable
    assert set(cli_text.CATALOG) <= marked, set(cli_text.CATALOG) - marked
    reachable = {"Usage:", "Error: {message}", "Try '{command} {option}' for help.", "No such option {name!r}.",
                 "Missing argument", "Show this message and exit.", "Invalid value for {param_hint}: {message}"}
    assert reachable <= set(cli_text.CATALOG)


def test_serve_passes_the_allowed_host_names(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("content").mkdir()
    calls = []
    monkeypatch.setattr("reportgen.serve.serve", lambda content, **options: calls.append(options))
    result = invoke(runner, "serve", "--host", "0.0.0.0", "--allow-host", "preview.lan",
                    "--allow-host", "192.168.1.5")
    assert result.exit_code == 0, result.output
    assert calls[0]["allow"] == ("preview.lan", "192.168.1.5") and calls[0]["host"] == "0.0.0.0"
