"""The registry of document kinds: a kind of the tests' own validates, builds and previews with
no other module changed, and no module but kinds.py names a kind's file or branches on a kind."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document as WordDocument
from memo_kind import MEMO, TEMPLATE
from tools import ROOT, html_text_parts

from reportgen import checked, kinds
from reportgen.build import build
from reportgen.documents import validate
from reportgen.serve import Site, index_html

MEMO_TEXT = "部门名称: 广州市番禺区融媒体中心\n年度: 2023\n事项: 采购摄像设备\n金额: 1234.5\n"


@pytest.fixture
def memo_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """content/ and templates/ with one memo beside the seed's documents; the kind registered."""
    monkeypatch.setattr(checked, "code_fingerprint", lambda: "code-v1")
    shutil.copytree(ROOT / "content", tmp_path / "content", ignore=shutil.ignore_patterns("projects"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copy(TEMPLATE, tmp_path / "templates" / "html" / "memo.html")
    (tmp_path / "content/panyu-media-center/2023/memo.yaml").write_text(MEMO_TEXT, encoding="utf-8")
    kinds.register(MEMO)
    yield tmp_path
    kinds.unregister(MEMO.name)


def test_a_new_kind_validates_with_its_own_checks(memo_project: Path) -> None:
    memo = memo_project / "content/panyu-media-center/2023/memo.yaml"
    assert [d.path for d in validate([memo]).documents] == [memo]
    memo.write_text(MEMO_TEXT.replace("1234.5", "-1").replace("2023", "2024"), encoding="utf-8")
    codes = [(f.code, f.position.line) for f in validate([memo]).findings]
    assert ("E999", 4) in codes and ("E402", 2) in codes  # its own check and a shared one, located


def test_a_new_kind_builds_all_its_outputs(memo_project: Path) -> None:
    out = memo_project / "build"
    report = build([memo_project / "content"], out, templates=memo_project / "templates", jobs=2)
    assert report.ok, report.failed
    folder = out / "广州市番禺区融媒体中心"
    outputs = {p.suffix: p for p in folder.glob("2023年备忘录.*")}
    assert sorted(outputs) == [".docx", ".html", ".pdf", ".xlsx"]
    assert "采购摄像设备：1,234.50万元" in "".join(html_text_parts(outputs[".html"].read_bytes()))
    assert outputs[".pdf"].read_bytes().startswith(b"%PDF")
    assert WordDocument(str(outputs[".docx"])).paragraphs[0].text == "采购摄像设备：1,234.50万元"
    assert openpyxl.load_workbook(outputs[".xlsx"]).active["B2"].value == "1,234.50"
    assert "2023年备忘录" in (out / "index.html").read_text(encoding="utf-8")
    # incremental as every kind: nothing changed, nothing rebuilt; its template changed, only it
    again = build([memo_project / "content"], out, templates=memo_project / "templates")
    assert again.built == [] and len(again.unchanged) == len(report.built)
    template = memo_project / "templates/html/memo.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</p>", "。</p>"), encoding="utf-8")
    third = build([memo_project / "content"], out, templates=memo_project / "templates")
    assert sorted(p.name for p in third.built) == ["2023年备忘录.html", "2023年备忘录.pdf"]


def test_a_new_kind_previews(memo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(memo_project)
    site = Site(Path("content"), memo_project / "templates")
    site.rebuild()
    entry = site.entry("panyu-media-center/2023/memo.yaml")
    assert entry is not None and entry.ok and entry.title == "广州市番禺区融媒体中心 2023年备忘录"
    assert "采购摄像设备：1,234.50万元" in entry.html.decode("utf-8")
    assert "2023年备忘录" in index_html(site).decode("utf-8")


def test_the_pre_commit_hook_covers_every_kind() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["files"] == kinds.hook_pattern()
    pattern = re.compile(hook["files"])
    for name in (*kinds.document_files(), "department.yaml"):
        assert pattern.search(f"content/x/2023/{name}")
    assert not pattern.search(".github/workflows/ci.yaml")


# Modules of the pipeline: none names a kind's file or branches on a kind's name (kinds.py does).
PIPELINE = ["build.py", "serve.py", "cli.py", "content.py", "checked.py", "documents.py", "index.py",
            "schema.py", "summary.py", "prose.py", "render/formats.py", "render/html.py", "render/docx.py",
            "render/xlsx.py"]
KIND_NAMES = re.compile(r"declaration\.yaml|self-evaluation\.yaml|DOCUMENT_FILES|SIBLING\b|"
                        r"isinstance\([^)]*(SelfEvaluation|Declaration)\)|kind\s*[!=]=|\[.kind.\]\s*[!=]=")


def code_of(path: Path) -> str:
    """The module's code, without comments and docstrings (which may well give examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)


@pytest.mark.parametrize("module", PIPELINE)
def test_no_pipeline_module_knows_a_kind(module: str) -> None:
    found = [m[0] for m in KIND_NAMES.finditer(code_of(ROOT / "reportgen" / module))]
    assert not found


def test_every_kind_has_its_schema_and_templates() -> None:
    for kind in kinds.kinds():
        assert (ROOT / "schemas" / kind.schema).exists()
        for fmt in kind.outputs:
            for path in kind.template_files(fmt, ROOT / "templates"):
                assert path.exists(), path
        model = kind.model_class()  # every reference resolves
        assert all(kind.resolved(attr) for attr in ("checks", "context")) and model is not None
        assert all(kinds.resolve(writer) for writer in kind.writers.values())
