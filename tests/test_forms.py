"""Forms as data: the report's template, the declaration's sections, form profiles (表式).

The worked examples of docs/templates.md are performed here on a copy of templates/."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from tools import ROOT, html_text_parts, position_of, texts

from reportgen import kinds, profiles
from reportgen.documents import Loader
from reportgen.profiles import ProfileError, load_profile
from reportgen.render.formats import RenderError, render_document
from reportgen.render.html import document_context

SELF = ROOT / "content/panyu-media-center/2022/self-evaluation.yaml"
DECLARATION = ROOT / "content/panyu-media-center/2023/declaration.yaml"
FIXTURES = ROOT / "tests/fixtures/profiles"


@pytest.fixture
def templates(tmp_path: Path, monkeypatch) -> Path:
    """A copy of templates/ that the office edits; profiles are read from it as well."""
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    monkeypatch.setattr(profiles, "TEMPLATES", folder)
    return folder


def blocks(path: Path, templates: Path = ROOT / "templates") -> list:
    return document_context(Loader().load_document(path), templates)["blocks"]


def html_text(path: Path, templates: Path) -> str:
    return "".join(html_text_parts(render_document(Loader().load_document(path), "html", templates=templates)))


def word_text(path: Path, templates: Path) -> str:
    data = render_document(Loader().load_document(path), "docx", templates=templates)
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the report's template --------------------------------------------------------------------


def test_headings_are_numbered_by_the_writer_in_the_templates_order() -> None:
    numbered = [(b.number, b.text) for b in blocks(SELF) if b.kind in ("h1", "h2")]
    assert numbered[:3] == [("一、", "基本情况"), ("（一）", "部门概况"), ("（二）", "年度总体工作和重点工作任务")]
    assert ("五、", "附件") in numbered
    template = (ROOT / "templates/self-evaluation.md").read_text(encoding="utf-8")
    assert "# 基本情况" in template and "## 部门概况" in template  # not typed with its number


def test_example_change_a_sentence(templates: Path) -> None:
    edit(templates / "self-evaluation.md", "年度预算执行进度为", "全年预算执行进度达到")
    for text in (html_text(SELF, templates), word_text(SELF, templates)):
        assert "2022年支出预算执行8,534.90万元，全年预算执行进度达到99.21%。" in text
        assert "年度预算执行进度为" not in text


def test_example_add_a_heading(templates: Path) -> None:
    edit(templates / "self-evaluation.md", "# 存在的主要问题\n",
         "# 其他需要说明的情况\n\n本部门无其他需要说明的情况。\n\n# 存在的主要问题\n")
    headings = [(b.number, b.text) for b in blocks(SELF, templates) if b.kind == "h1"]
    assert headings[2:] == [("三、", "其他需要说明的情况"), ("四、", "存在的主要问题"),
                            ("五、", "下一步改进措施"), ("六、", "附件")]
    assert "四、存在的主要问题" in html_text(SELF, templates)


def test_example_move_a_table(templates: Path) -> None:
    template = templates / "self-evaluation.md"
    edit(template, '{{ table("指标设定") }}\n', "")
    edit(template, "### 绩效运行监控情况\n\n{% for p in paragraphs(doc.background.management.monitoring) %}\n{{ p }}\n\n{% endfor %}\n",
         "### 绩效运行监控情况\n\n{% for p in paragraphs(doc.background.management.monitoring) %}\n{{ p }}\n\n{% endfor %}\n"
         '{{ table("指标设定") }}\n\n')
    kinds = [b.kind if b.kind != "table" else b.table.kind for b in blocks(SELF, templates)]
    monitoring = next(i for i, b in enumerate(blocks(SELF, templates)) if b.text == "绩效运行监控情况")
    assert kinds.index("indicator-settings") > monitoring
    assert kinds.count("indicator-settings") == 1


def test_example_rename_and_add_a_column(templates: Path) -> None:
    profile = templates / "profiles/guangzhou.yaml"
    edit(profile, "      - {键: 年度指标值, 表头: 指标值, 宽: 24}",
         "      - {键: 年度指标值, 表头: 年度目标值, 宽: 16}\n      - {键: 实际完成值, 宽: 16}")
    table = next(b.table for b in blocks(SELF, templates) if b.kind == "table" and b.table.kind == "indicator-settings")
    assert table.columns == ["一级指标", "二级指标", "三级指标", "年度目标值", "实际完成值"]
    row = next(r for r in table.rows if r[2].text == "完成经营创收活动数量")
    assert [c.text for c in row[2:]] == ["完成经营创收活动数量", "70个以上", "70场以上"]
    assert "年度目标值" in html_text(SELF, templates) and "年度目标值" in word_text(SELF, templates)


def test_author_text_is_printed_as_written_never_read_as_markup(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "panyu-media-center/2022/self-evaluation.yaml"
    written = r"# 不是标题 *不是强调* <b>x</b> \ ```表格 指标设定"
    edit(path, "  - 中心资金使用部门对绩效管理的重视程度不够。", f"  - '{written}'")
    texts = [b.text for b in blocks(path)]
    assert f"1、{written}" in texts
    assert sum(b.kind == "table" for b in blocks(path)) == 2


def test_template_errors_are_located(templates: Path) -> None:
    template = templates / "self-evaluation.md"
    lines = template.read_text(encoding="utf-8").splitlines()
    line = lines.index("### 预算支出进度情况") + 1
    lines[line - 1] = "### 预算支出进度情况{{ figures.no_such_figure }}"
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RenderError, match=rf"templates/self-evaluation\.md:{line}: .*no_such_figure"):
        render_document(Loader().load_document(SELF), "html", templates=templates)
    lines[line - 1] = "{% if %}"
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RenderError, match=rf"templates/self-evaluation\.md:{line}: "):
        render_document(Loader().load_document(SELF), "docx", templates=templates)


def test_an_unknown_table_is_a_located_error_naming_the_tables(templates: Path) -> None:
    edit(templates / "self-evaluation.md", '{{ table("指标设定") }}', '{{ table("指标设置") }}')
    with pytest.raises(RenderError, match=r"templates/self-evaluation\.md:\d+: 未知的表格“指标设置”；可用的表格：指标设定、任务完成情况"):
        render_document(Loader().load_document(SELF), "html", templates=templates)


# --- the declaration's sections ---------------------------------------------------------------


def test_the_declaration_template_orders_the_forms_sections(templates: Path) -> None:
    edit(templates / "declaration.md", '{{ table("总体绩效目标") }}\n', "")
    edit(templates / "declaration.md", '{{ table("部门名称") }}\n', '{{ table("部门名称") }}\n{{ table("总体绩效目标") }}\n')
    html = html_text(DECLARATION, templates)
    word = word_text(DECLARATION, templates)
    for text in (html, word):
        assert text.index("总体绩效目标") < text.index("部门预算支出")
    default_word = word_text(DECLARATION, ROOT / "templates")
    assert default_word.index("部门预算支出") < default_word.index("总体绩效目标")


def test_the_declaration_template_holds_sections_only(templates: Path) -> None:
    edit(templates / "declaration.md", '{{ table("绩效指标") }}', '{{ table("绩效指标") }}\n\n# 附注')
    with pytest.raises(RenderError, match="只能用"):
        render_document(Loader().load_document(DECLARATION), "docx", templates=templates)


# --- profiles ---------------------------------------------------------------------------------


def test_a_profile_extends_another_and_changes_a_few_things() -> None:
    base, hunan = load_profile("guangzhou"), load_profile("hunan")
    assert hunan.columns("自评表绩效指标") == base.columns("自评表绩效指标")
    assert [c.header for c in hunan.columns("申报表绩效指标")] == [
        "三级指标", "指标值类型", "指标值", "计量单位", "指标解释", "评（扣）分标准", "备注"]
    assert load_profile("guangdong").numbering == {3: "1、"}


def test_an_extension_loop_and_a_bad_column_are_located_profile_errors(templates: Path) -> None:
    (templates / "profiles/a.yaml").write_text("继承: b\n", encoding="utf-8")
    (templates / "profiles/b.yaml").write_text("继承: a\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="继承形成循环：a → b → a"):
        load_profile("a", templates)
    (templates / "profiles/c.yaml").write_text("继承: guangzhou\n表格:\n  指标设定:\n    列: [三级指标, 单位]\n",
                                               encoding="utf-8")
    with pytest.raises(ProfileError, match="templates/profiles/c.yaml: .*“单位”不是指标的栏目"):
        load_profile("c", templates)


def test_a_broken_profile_is_a_finding_not_a_traceback(tmp_path: Path, templates: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (templates / "profiles/broken.yaml").write_text("表格: [\n", encoding="utf-8")
    department = content / "panyu-media-center/department.yaml"
    department.write_text(department.read_text(encoding="utf-8") + "表式: broken\n", encoding="utf-8")
    document = Loader().load_document(content / "panyu-media-center/2023/declaration.yaml")
    assert not document.ok
    assert any(f.code == "E304" and "templates/profiles/broken.yaml:2" in f.message for f in document.findings)


def test_an_unknown_profile_name_lists_the_profiles(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    department = content / "panyu-media-center/department.yaml"
    department.write_text(department.read_text(encoding="utf-8") + "表式: hunnan\n", encoding="utf-8")
    loaded = Loader().load_department(department)
    messages = [f.message for f in loaded.source.findings]
    assert any("未知的表式“hunnan”" in m and "hunan" in m for m in messages), messages


def test_level_three_numbering_follows_the_profile() -> None:
    path = FIXTURES / "guangdong/panyu-media-center/2022/self-evaluation.yaml"
    numbers = [b.number for b in blocks(path) if b.kind == "h3"]
    assert numbers[:3] == ["1、", "2、", "3、"]
    assert any(b.text.startswith("1、") and "完成" in b.text for b in blocks(path) if b.kind == "p")


def test_scoring_set_per_department_over_profile_and_tree(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "chongqing", content)
    path = content / "panyu-media-center/2022/self-evaluation.yaml"
    card = document_context(Loader().load_document(path))["annex"]
    assert card["money_table"].rows[0][4].text == "10"  # 预算执行率 10 of the Chongqing profile
    department = content / "panyu-media-center/department.yaml"
    department.write_text(department.read_text(encoding="utf-8")
                          + "评分:\n  预算执行率分值: 20\n  一级指标分值:\n    产出指标: 50\n    效益指标: 30\n",
                          encoding="utf-8")
    document = Loader().load_document(path)
    assert document.scoring_settings.scoring.execution_points == 20
    assert document_context(document)["annex"]["money_table"].rows[0][4].text == "20"


def test_a_field_the_profile_has_no_place_for_is_located_and_lists_the_fields(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "panyu-media-center/2023/declaration.yaml"
    edit(path, "        年度指标值: 95%以上\n", "        年度指标值: 95%以上\n        计量单位: '%'\n")
    document = Loader().load_document(path)
    [finding] = [f for f in document.findings if f.code == "E303"]
    line = path.read_text(encoding="utf-8").splitlines().index("        计量单位: '%'") + 1
    assert finding.position.line == line and not document.ok
    assert "本表式的指标栏目有：三级指标、实施周期指标值、年度指标值" in finding.message
    department = content / "panyu-media-center/department.yaml"
    department.write_text(department.read_text(encoding="utf-8") + "表式: hunan\n", encoding="utf-8")
    codes = [(f.code, f.path[-1]) for f in Loader().load_document(path).findings if f.code == "E303"]
    assert ("E303", "计量单位") not in codes and ("E303", "实施周期指标值") in codes  # hunan's columns


def test_header_fields_outside_the_profile_are_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "hubei", content)
    path = content / "panyu-media-center/2023/declaration.yaml"
    edit(path, "  填报人: 陈某某\n", "  填表人: 陈某某\n")
    [finding] = [f for f in Loader().load_document(path).findings if f.code == "E303"]
    assert "“填表人”" in finding.message and "填报日期、填报人、联系电话" in finding.message


# --- schemas per profile ----------------------------------------------------------------------


@pytest.mark.parametrize("name", profiles.available())
def test_the_profiles_schema_offers_its_columns_only(name: str) -> None:
    import json

    profile = load_profile(name)
    for kind, tables in (("declaration", ("申报表绩效指标",)), ("self-evaluation", ("指标设定", "自评表绩效指标"))):
        schema = json.loads((ROOT / f"schemas/表式/{name}/{kind}.schema.json").read_text(encoding="utf-8"))
        indicator = schema["$defs"]["Indicator" if kind == "declaration" else "EvaluatedIndicator"]
        offered = set(indicator["properties"])
        assert profile.printed_keys(tables) - {"得分", "得分系数"} <= offered
        assert offered <= profile.printed_keys(tables) | profiles.SCORING_INPUTS
        assert set(schema["properties"]["表头"]["properties"]) == set(profile.header_fields)


def test_schemas_are_up_to_date(tmp_path: Path) -> None:
    from reportgen.schema import write_schemas

    for path in write_schemas(tmp_path):
        committed = ROOT / "schemas" / path.relative_to(tmp_path)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), committed


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.yaml")), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_profile_samples_validate_and_follow_their_schema(path: Path) -> None:
    import json
    import re

    import jsonschema

    target = re.match(r"# yaml-language-server: \$schema=(\S+)", path.read_text(encoding="utf-8"))[1]
    schema = json.loads((path.parent / target).resolve().read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if path.name != "department.yaml":
        document = Loader().load_document(path)
        assert document.ok, [str(f.message) for f in document.findings if f.is_error]


def test_budget_breakdowns_follow_the_profile(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "hubei", content)
    path = content / "panyu-media-center/2023/declaration.yaml"
    html = html_text(path, ROOT / "templates")
    assert "事业发展性支出" not in html and "按预算级次划分" not in html
    assert "3,110.7618" in html and "10,112.30" in html  # the author's four decimals kept
    edit(path, "  收入来源:\n", "  按预算级次划分:\n    区本级使用资金: 10112.30\n    拟用于对下转移支付资金: 0\n  收入来源:\n")
    [finding] = [f for f in Loader().load_document(path).findings if f.code == "E303"]
    assert finding.path == ("预算整体情况", "按预算级次划分") and "没有“按预算级次划分”" in finding.message
    department = content / "panyu-media-center/department.yaml"
    edit(department, "表式: hubei", "表式: guangzhou")
    [missing] = [f for f in Loader().load_document(path).findings if f.code == "E305"]
    assert missing.path == ("预算整体情况", "部门预算支出") and "有“事业发展性支出”" in missing.message
    where = position_of(path.read_text(encoding="utf-8"), "部门预算支出:")  # the key it belongs under
    assert (missing.position.line, missing.position.col) == where


def test_the_two_previous_years_follow_the_profile(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "hubei", content)
    path = content / "panyu-media-center/2023/declaration.yaml"
    text = path.read_text(encoding="utf-8")
    recent = text[text.index("  近两年收支金额:\n"):text.index("总体绩效目标:")]
    edit(path, "    - 年度: 2021\n", "    - 年度: 2020\n")
    [finding] = [f for f in Loader().load_document(path).findings if f.code == "E209"]
    assert finding.path == ("预算整体情况", "近两年收支金额", 0, "年度") and "应为 2021" in finding.message
    line = path.read_text(encoding="utf-8").splitlines().index("    - 年度: 2020") + 1
    assert finding.position.line == line
    edit(path, recent.replace("2021", "2020"), "")
    [missing] = [f for f in Loader().load_document(path).findings if f.code == "E305"]
    assert missing.path == ("预算整体情况",) and "有“近两年收支金额”" in missing.message  # the Hubei form has them
    where = position_of(path.read_text(encoding="utf-8"), "预算整体情况:")
    assert (missing.position.line, missing.position.col) == where
    guangzhou = content.parent / "guangzhou"
    shutil.copytree(FIXTURES / "guangzhou", guangzhou)
    path = guangzhou / "panyu-media-center/2023/declaration.yaml"
    edit(path, "总体绩效目标:", recent + "总体绩效目标:")
    [finding] = [f for f in Loader().load_document(path).findings if f.code == "E303"]
    assert finding.path == ("预算整体情况", "近两年收支金额") and "没有“近两年收支金额”" in finding.message


@pytest.mark.parametrize(("name", "shares"), [("hubei", ["72.7%", "33.6%"]), ("guangzhou", ["72.71%", "33.58%"])])
def test_shares_print_with_the_profiles_decimals(name: str, shares: list[str]) -> None:
    """占比小数位: every 占比 of the report to one decimal on the Hubei form, two by default."""
    text = html_text(FIXTURES / name / "panyu-media-center/2022/self-evaluation.yaml", ROOT / "templates")
    assert f"占本年总收入的{shares[0]}" in text and f"占本年总支出合计的{shares[1]}" in text
    shown = re.findall(r"占[^，。；%]*?的?(\d+(?:\.\d+)?)%", text)
    decimals = load_profile(name).share_decimals
    assert shown and all(len(s.partition(".")[2]) <= decimals for s in shown)
    assert any(len(s.partition(".")[2]) == decimals for s in shown)


def test_share_decimals_must_be_a_small_whole_number(templates: Path) -> None:
    (templates / "profiles/hubei.yaml").write_text(
        (templates / "profiles/hubei.yaml").read_text(encoding="utf-8").replace("占比小数位: 1", "占比小数位: 一位"),
        encoding="utf-8")
    with pytest.raises(ProfileError, match="占比小数位"):
        load_profile("hubei", templates)


def test_example_rename_a_label(templates: Path) -> None:
    """docs/templates.md 例 5: 把“总分”改为“合计得分” in the 文字 of a profile that extends guangzhou."""
    hunan = templates / "profiles/hunan.yaml"
    hunan.write_text(hunan.read_text(encoding="utf-8") + "文字:\n  自评表:\n    总分: 合计得分\n", encoding="utf-8")
    report = FIXTURES / "hunan/panyu-media-center/2022/self-evaluation.yaml"
    annex = document_context(Loader().load_document(report), templates)["annex"]
    assert [c.text for c in annex["indicator_table"].rows[-2][:1]] == ["合计得分"]
    assert annex["indicator_table"].rows[-1][0].text == "自评等级"  # the other labels as inherited
    for fmt, text in texts(report).items():
        assert "合计得分" in text, fmt


def test_a_profile_rewords_the_task_tables_and_inherits_the_rest(templates: Path) -> None:
    """文字 → 申报表 and 任务完成情况 merge over guangzhou's like the other tables: the changed labels
    printed in the declaration's form and the report's task table, the others as inherited."""
    hunan = templates / "profiles/hunan.yaml"
    hunan.write_text(hunan.read_text(encoding="utf-8") + "文字:\n  申报表:\n    其他任务: 其他工作任务\n"
                     "    预算整体情况: 预算情况\n  任务完成情况:\n    表头: [任务, 内容, 资金（万元）, 目标, 落实结果]\n",
                     encoding="utf-8")
    declaration = texts(FIXTURES / "hunan/panyu-media-center/2023/declaration.yaml")
    report = texts(FIXTURES / "hunan/panyu-media-center/2022/self-evaluation.yaml")
    for fmt in ("html", "pdf", "docx"):
        assert "其他工作任务" in declaration[fmt] and "其他需完成的任务" not in declaration[fmt], fmt
        assert "预算情况" in declaration[fmt] and "基本信息" not in declaration[fmt], fmt
        assert "期望达到的目标（概述）" in declaration[fmt], fmt  # inherited
        assert "落实结果" in report[fmt] and "期望达到的目标（概述）" not in report[fmt], fmt


def marked_labels(templates: Path) -> dict[str, tuple[str, str, str]]:
    """Every label of the profile's 文字 replaced by a marker (Y01, Y02…), in the guangzhou profile
    that every shipped one extends; the 近两年收支金额 rows printed too. Returns marker → (table,
    label name, built-in text)."""
    path = templates / "profiles/guangzhou.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    markers: dict[str, tuple[str, str, str]] = {}

    def marker(table: str, name: str, label: str) -> str:
        markers[f"Y{len(markers) + 1:02d}"] = (table, name, label)
        return f"Y{len(markers):02d}"

    for table, labels in data["文字"].items():
        for name, text in labels.items():
            labels[name] = ([marker(table, name, t) for t in text] if isinstance(text, list)
                            else marker(table, name, text))
    data["预算口径"] = {"近两年收支金额": True}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return markers


# The spreadsheets hold the declaration's indicator and budget sheets and the 自评表: not the
# declaration's other sections nor the report's task table.
NOT_IN_SPREADSHEETS = {("申报表", name) for name in ("预算整体情况", "总体绩效目标", "年度重点工作任务", "任务表头",
                                                    "合计", "其他任务")} | {("任务完成情况", "表头")}


def test_every_label_of_the_profile_is_printed_in_every_format(tmp_path: Path, templates: Path) -> None:
    """文字: each label printed as the profile words it in HTML, PDF, Word and the spreadsheet (there
    the labels of the tables it holds), and its built-in wording nowhere in the tables."""
    markers = marked_labels(templates)
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "guangzhou", content)
    declaration = content / "panyu-media-center/2023/declaration.yaml"
    edit(declaration, "  按预算级次划分:\n", "  近两年收支金额:\n"
         "    - {年度: 2021, 收入金额: 9876.54, 支出金额: 9650.12}\n"
         "    - {年度: 2022, 收入金额: 10023.41, 支出金额: 9968.19}\n  按预算级次划分:\n")
    report = content / "panyu-media-center/2022/self-evaluation.yaml"
    edit(report, "      全年预算数: 8602.62\n", "      全年预算数: 8602.62\n      执行率偏差原因: 年中调减项目。\n")
    outputs = {kind: texts(path) for kind, path in (("declaration", declaration), ("self-evaluation", report))}
    for fmt in ("html", "pdf", "docx", "xlsx"):
        printed = outputs["declaration"][fmt] + outputs["self-evaluation"][fmt]
        expected = {m: label for m, (table, name, label) in markers.items()
                    if fmt != "xlsx" or (table, name) not in NOT_IN_SPREADSHEETS}
        assert [label for marker, label in expected.items() if marker not in printed] == [], fmt
    for label in ("按预算级次划分合计", "收入金额（万元）", "全年执行数（B）", "执行率（B/A）", "年度预算执行情况",
                  "拟投入的资金（万元）", "期望达到的目标（概述）", "其他需完成的任务（可选填）", "基本信息"):
        assert all(label not in text for kind in outputs.values() for text in kind.values()), label


@pytest.mark.parametrize(("written", "line", "problem"), [
    ("  自评表:\n    总分: 100\n", 4, "“文字 → 自评表 → 总分”应为印出的文字，而不是“100”"),
    ("  自评表:\n    合计: 合计得分\n", 4, "“文字 → 自评表”下没有“合计”；可用：标题、资金表头"),
    ("  自评表:\n    资金表头: [年初预算数, 全年预算数]\n", 4, "“文字 → 自评表 → 资金表头”应为 6 项文字的列表"),
    ("  自评表:\n    资金表头:\n      - 年初\n      - 全年\n      - 执行\n      - 分值\n      - []\n      - 得分\n", 9,
     "“文字 → 自评表 → 资金表头 → 第 5 项”应为印出的文字"),
    ("  申报表:\n    合计: 合计\n    任务表头: [名称, 内容, 资金]\n", 5,
     "“文字 → 申报表 → 任务表头”应为 4 项文字的列表"),
    ("  申报表:\n    总体绩效目标: [总体, 目标]\n", 4, "“文字 → 申报表 → 总体绩效目标”应为印出的文字"),
    ("  申报表:\n    标题: 申报表\n", 4, "“文字 → 申报表”下没有“标题”；可用：部门名称、预算整体情况"),
    ("  任务完成情况:\n    表头: 名称\n", 4, "“文字 → 任务完成情况 → 表头”应为 5 项文字的列表"),
])
def test_a_wrong_label_is_a_profile_error_at_its_line(tmp_path: Path, templates: Path, written: str, line: int,
                                                      problem: str) -> None:
    (templates / "profiles/worded.yaml").write_text(
        f"继承: guangzhou\n文字:\n{written}", encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        load_profile("worded", templates)
    assert str(raised.value).startswith(f"templates/profiles/worded.yaml:{line}: ")
    assert problem in str(raised.value)
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "guangzhou", content)
    edit(content / "panyu-media-center/department.yaml", "表式: guangzhou", "表式: worded")
    document = Loader().load_document(content / "panyu-media-center/2022/self-evaluation.yaml")
    assert [f.code for f in document.findings if f.is_error] == ["E304"]
    assert f"templates/profiles/worded.yaml:{line}: " in document.findings[0].message


def test_an_unknown_table_of_labels_and_a_profile_without_labels_are_errors(templates: Path) -> None:
    (templates / "profiles/a.yaml").write_text("继承: guangzhou\n名称: 甲\n文字:\n  项目表: {标题: 甲}\n",
                                               encoding="utf-8")
    with pytest.raises(ProfileError,
                       match="a.yaml:4: .*“文字”下没有“项目表”；可用：自评表、预算整体情况、申报表、任务完成情况"):
        load_profile("a", templates)
    own = yaml.safe_load((templates / "profiles/guangzhou.yaml").read_text(encoding="utf-8"))
    del own["文字"]["预算整体情况"]["级次合计"]
    (templates / "profiles/b.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError, match="“文字 → 预算整体情况”缺少：级次合计"):
        load_profile("b", templates)
    del own["文字"]
    (templates / "profiles/b.yaml").write_text(yaml.safe_dump(own, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProfileError, match="缺少“文字”"):
        load_profile("b", templates)


def test_the_chongqing_self_evaluation_form(tmp_path: Path) -> None:
    """主管部门, 财政处室, 联系人, 联系电话 above the 自评表; 年初指标值, 调整指标值, 指标权重, 得分系数,
    是否核心指标 per indicator; 共性管理指标 beside 产出/效益 and no 满意度; 产出 60, 效益 30, 执行率 10."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "chongqing", content)
    path = content / "panyu-media-center/2022/self-evaluation.yaml"
    document = Loader().load_document(path)
    annex = document_context(document)["annex"]
    assert [name for name, _ in annex["header_values"]] == ["主管部门", "财政处室", "联系人", "联系电话"]
    table = annex["indicator_table"]
    assert table.columns == ["一级指标", "二级指标", "三级指标", "年初指标值", "调整指标值", "实际完成值",
                             "指标权重", "得分", "得分系数", "是否核心指标", "偏差原因分析及改进措施"]
    firsts = [row[0].text for row in table.rows if row[0].rowspan > 0][:-2]  # less 总分 and 自评等级
    assert firsts == ["产出指标", "效益指标", "共性管理指标"]
    core = next(row for row in table.rows if row[2].text == "完成经营创收活动数量")
    assert [c.text for c in core[3:10]] == ["70个以上", "65个以上", "70场以上", "12", "12.00", "1.00", "是"]
    points = {}
    for result in document.scorecard.indicators:
        points[result.first] = points.get(result.first, 0) + result.points
    assert points == {"产出指标": 60, "效益指标": 30, "共性管理指标": 0}
    assert document.scorecard.execution.points == 10
    edit(path, "  共性管理指标:\n", "  满意度指标:\n    服务对象满意度指标: []\n  共性管理指标:\n")
    assert any(f.code == "E301" and "满意度指标" in f.message for f in Loader().load_document(path).findings)


def landscape_pages(pdf: bytes) -> list[bool]:
    """For each page of `pdf`: whether its page box is wider than tall."""
    return [page.mediabox.width > page.mediabox.height for page in PdfReader(io.BytesIO(pdf)).pages]


def annex_start(pdf: bytes) -> int:
    """The index of the page headed 附件."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return next(i for i, text in enumerate(pages) if text.lstrip().startswith("附件"))


@pytest.mark.slow
def test_a_wide_annex_is_printed_on_landscape_pages(tmp_path: Path) -> None:
    """The Chongqing 自评表 has 11 indicator columns: its pages are landscape, the report's portrait;
    in Word the annex is a landscape section of its own with the body's margins."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "chongqing", content)
    document = Loader().load_document(content / "panyu-media-center/2022/self-evaluation.yaml")
    pdf = render_document(document, "pdf")
    landscape, start = landscape_pages(pdf), annex_start(pdf)
    assert 0 < start < len(landscape) - 1  # the annex runs on over two pages here
    assert not any(landscape[:start]) and all(landscape[start:]), landscape
    word = Document(io.BytesIO(render_document(document, "docx")))
    body, annex = word.sections
    assert body.orientation == WD_ORIENT.PORTRAIT and body.page_width < body.page_height
    assert annex.orientation == WD_ORIENT.LANDSCAPE and annex.page_width > annex.page_height
    assert (annex.page_width, annex.page_height) == (body.page_height, body.page_width)
    margins = ("top_margin", "right_margin", "bottom_margin", "left_margin")
    assert [getattr(annex, m) for m in margins] == [getattr(body, m) for m in margins]
    first = next(p for p in annex.iter_inner_content() if isinstance(p, Paragraph))
    assert first.text == "附件"
    assert max(sum(c.width for c in t.columns) for t in annex.iter_inner_content()
               if not isinstance(t, Paragraph)) > body.page_width  # the tables use the wider type area


@pytest.mark.slow
def test_the_default_annex_stays_portrait() -> None:
    """The 财预〔2020〕10号 自评表 (8 indicator columns) fits a portrait page."""
    document = Loader().load_document(SELF)
    pdf = render_document(document, "pdf")
    assert annex_start(pdf) > 0 and not any(landscape_pages(pdf))
    [section] = Document(io.BytesIO(render_document(document, "docx"))).sections
    assert section.orientation == WD_ORIENT.PORTRAIT and section.page_width < section.page_height


def test_a_fence_typed_by_hand_is_a_template_error(templates: Path) -> None:
    edit(templates / "self-evaluation.md", "# 存在的主要问题\n", "```python\nprint(1)\n```\n\n# 存在的主要问题\n")
    with pytest.raises(RenderError, match="模板错误：.*只能是"):
        render_document(Loader().load_document(SELF), "html", templates=templates)


def test_a_section_left_out_of_the_declaration_template_is_an_error(templates: Path) -> None:
    edit(templates / "declaration.md", '{{ table("总体绩效目标") }}\n', "")
    with pytest.raises(RenderError, match="缺少表中的部分：总体绩效目标"):
        render_document(Loader().load_document(DECLARATION), "pdf", templates=templates)


def test_a_table_left_out_of_the_report_template_is_an_error(templates: Path) -> None:
    edit(templates / "self-evaluation.md", '{{ table("任务完成情况") }}\n', "")
    with pytest.raises(RenderError, match="缺少表格：任务完成情况"):
        render_document(Loader().load_document(SELF), "docx", templates=templates)


@pytest.mark.parametrize("path", [p for p in sorted(FIXTURES.rglob("*.yaml")) if p.name in kinds.document_files()],
                         ids=lambda p: "/".join(p.parts[-4:]))
def test_every_profile_sample_previews(path: Path) -> None:
    """The preview (a draft, which marks where each part comes from) of every sample document."""
    document = Loader().load_document(path)
    html = render_document(document, "html", draft=True).decode()
    assert "草稿" in html and "{{" not in html
