"""The registry of document kinds: every fact about a kind of document, in one row.

Discovery, validation, the build (planning, input hashes, findings cache), the preview, the JSON
Schemas, `reportgen new`, the command line and the pre-commit hook all iterate over `KINDS`; no
other module names a kind's file or branches on a kind's name. A kind's behaviour (model, checks,
context, writers, chain, scaffold) is named here as "module:attribute" and imported only when it
is used, so that planning a build whose documents are unchanged never imports the models.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMATS = ("html", "pdf", "docx", "xlsx")
HTML_TEMPLATES = ("style.css", "html/base.html", "html/tables.html", "html/{kind}.html")


def resolve(reference: str) -> Any:
    """"package.module:attribute" → the attribute (imported on first use)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True, eq=False)  # one object per kind: hashed by identity
class Kind:
    """One kind of document. References ("module:attribute") are resolved when first used."""

    name: str  # identifier: the stem of its HTML template, Word template and schema
    file: str  # content file name
    title: str  # Chinese title, as printed and in output names
    short_title: str  # in messages: 申报表, 自评报告
    model: str  # pydantic model of the content file
    checks: str  # tuple of check functions (checks.Check)
    context: str  # (documents.Document, templates: Path) → the data every format renders from
    writers: dict[str, str]  # format → (context, templates: Path) → bytes; html and pdf are generic
    templates: dict[str, tuple[str, ...]]  # format → template files it draws on ({kind} = name)
    outputs: tuple[str, ...] = FORMATS
    related: tuple[str, ...] = ("department", "settings", "sibling")  # files read beside it
    renders_from: tuple[str, ...] = ("department", "settings")  # of those, what its outputs print
    sibling: str | None = None  # the file of the other document of the same folder
    link: str | None = None  # (CheckContext, Document, Sibling) → None: the chain with its sibling
    figures: str | None = None  # (model) → derived figures
    score: str | None = None  # (model, Scoring) → scoring.Scorecard
    scaffold: str | None = None  # (previous year's model, year, sibling model | None) → scaffold entries
    skeleton: str | None = None  # entries of a new file: (department name, year, taxonomy, profile)
    # for a department's, ((department, project), year, taxonomy) for a project's
    depth: int = 0  # folders between the year folder and the file (projects/<项目>/ → 2)
    folder: str = ""  # for depth > 0: the folder under the year that holds one folder per document
    name_field: tuple[str, ...] = ("部门名称",)  # where the name the outputs carry is written
    subject: str | None = None  # model attribute naming the document within its year (a project)
    output_name: str = "{year}年{title}"  # file name in build/<部门>/, without suffix
    summary: str | None = None  # (Document) → figures of the build's summary (汇总), see summary.py
    parts: str | None = None  # the file of the kind whose documents of the year add up to this one
    parts_link: str | None = None  # (CheckContext, Document) → None: what it takes from those parts
    prepare: str | None = None  # (CheckContext) → None: run on the linked document before it is checked
    namespace: str = "reportgen.prose:document_data"  # (model) → what its text may reference ({{ … }})

    @property
    def schema(self) -> str:
        return f"{self.name}.schema.json"

    def resolved(self, attribute: str) -> Any:
        reference = getattr(self, attribute)
        return resolve(reference) if reference else None

    def model_class(self) -> type:
        return resolve(self.model)

    def template_files(self, fmt: str, templates: Path) -> list[Path]:
        return [templates / name.format(kind=self.name) for name in self.templates.get(fmt, ())]

    def year_folder(self, path: Path) -> Path:
        """<dept>/<year>/ of a file of this kind (links in the path not followed)."""
        return Path(os.path.abspath(path)).parents[self.depth]

    def name_output(self, year: int | None, subject: str | None) -> str:
        return self.output_name.format(year=year, title=self.title, subject=subject or "")


# The department's documents are stated by their templates/<kind>.md (words, order, sections).
_DEPARTMENT_TEMPLATES = {"html": ("{kind}.md", *HTML_TEMPLATES), "pdf": ("{kind}.md", *HTML_TEMPLATES),
                         "docx": ("{kind}.md", "word/{kind}.docx"), "xlsx": ()}

KINDS: tuple[Kind, ...] = (
    Kind(
        name="declaration", file="declaration.yaml", title="部门整体预算绩效目标申报表", short_title="申报表",
        model="reportgen.model:Declaration", checks="reportgen.projects:DEPARTMENT_DECLARATION_CHECKS",
        context="reportgen.render.html:declaration_document_context",
        writers={"docx": "reportgen.render.docx:render_declaration_docx",
                 "xlsx": "reportgen.render.xlsx:render_declaration_xlsx"},
        templates=_DEPARTMENT_TEMPLATES, related=("department", "settings", "sibling", "parts"),
        sibling="self-evaluation.yaml", link="reportgen.chain:link_from_declaration",
        parts="project-declaration.yaml", prepare="reportgen.checks:fill_references",
        namespace="reportgen.prose:declaration_namespace",
        figures="reportgen.derive:declaration_figures", scaffold="reportgen.scaffold:scaffold_declaration",
        skeleton="reportgen.scaffold:declaration_skeleton",
        summary="reportgen.summary:declaration_row",
    ),
    Kind(
        name="self-evaluation", file="self-evaluation.yaml", title="部门整体支出绩效自评报告", short_title="自评报告",
        model="reportgen.model:SelfEvaluation", checks="reportgen.projects:DEPARTMENT_EVALUATION_CHECKS",
        context="reportgen.render.html:self_evaluation_document_context",
        writers={"docx": "reportgen.render.docx:render_report_docx",
                 "xlsx": "reportgen.render.xlsx:render_annex_xlsx"},
        templates=_DEPARTMENT_TEMPLATES, related=("department", "settings", "sibling", "parts"),
        # its targets come from the declaration, its 重点任务项目支出 from the project self-evaluations
        renders_from=("department", "settings", "sibling", "parts"),
        parts="project-self-evaluation.yaml", parts_link="reportgen.projects:fill_project_spending",
        prepare="reportgen.checks:fill_references", namespace="reportgen.prose:self_evaluation_namespace",
        sibling="declaration.yaml", link="reportgen.chain:link_from_evaluation",
        figures="reportgen.derive:self_evaluation_figures", score="reportgen.scoring:score",
        scaffold="reportgen.scaffold:scaffold_self_evaluation", summary="reportgen.summary:evaluation_row",
    ),
)


_PROJECT_HTML = ("style.css", "html/base.html", "html/tables.html", "html/project.html")
_PROJECT_TEMPLATES = {"html": _PROJECT_HTML, "pdf": _PROJECT_HTML,
                      "docx": ("word/project.docx",), "xlsx": ()}
_PROJECT = {"depth": 2, "folder": "projects", "name_field": ("项目名称",), "subject": "project", "templates": _PROJECT_TEMPLATES,
            "writers": {"docx": "reportgen.render.project:render_docx", "xlsx": "reportgen.render.project:render_xlsx"},
            "output_name": "{year}年{title}（{subject}）", "summary": "reportgen.summary:project_row",
            "prepare": "reportgen.checks:fill_references"}

KINDS += (
    Kind(
        name="project-declaration", file="project-declaration.yaml", title="项目支出绩效目标申报表",
        short_title="项目申报表", model="reportgen.model.project:ProjectDeclaration",
        checks="reportgen.projects:DECLARATION_CHECKS", context="reportgen.render.project:declaration_context",
        sibling="project-self-evaluation.yaml", scaffold="reportgen.scaffold_project:next_project_declaration",
        skeleton="reportgen.scaffold_project:project_declaration_skeleton", **_PROJECT,
    ),
    Kind(
        name="project-self-evaluation", file="project-self-evaluation.yaml", title="项目支出绩效自评表",
        short_title="项目自评表", model="reportgen.model.project:ProjectSelfEvaluation",
        checks="reportgen.projects:EVALUATION_CHECKS", context="reportgen.render.project:evaluation_context",
        renders_from=("department", "settings", "sibling"), sibling="project-declaration.yaml",
        link="reportgen.projects:link_evaluation", figures="reportgen.projects:evaluation_figures",
        score="reportgen.scoring:score_project", scaffold="reportgen.scaffold_project:next_project_evaluation",
        skeleton="reportgen.scaffold_project:project_evaluation_skeleton", **_PROJECT,
    ),
)


def register(kind: Kind) -> None:
    """Adds a kind (for a plug-in or a test); every module sees it, since they all read KINDS."""
    global KINDS, BY_FILE, BY_NAME
    KINDS = (*(k for k in KINDS if k.name != kind.name), kind)
    BY_FILE = {k.file: k for k in KINDS}
    BY_NAME = {k.name: k for k in KINDS}


def unregister(name: str) -> None:
    global KINDS, BY_FILE, BY_NAME
    KINDS = tuple(k for k in KINDS if k.name != name)
    BY_FILE = {k.file: k for k in KINDS}
    BY_NAME = {k.name: k for k in KINDS}


BY_FILE: dict[str, Kind] = {k.file: k for k in KINDS}
BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}


def kinds() -> tuple[Kind, ...]:
    return KINDS


def of_file(path: Path | str) -> Kind | None:
    """The kind of a content file, by its name."""
    return BY_FILE.get(Path(path).name)


def of_name(name: str) -> Kind:
    return BY_NAME[name]


def document_files() -> tuple[str, ...]:
    return tuple(k.file for k in KINDS)


def hook_pattern() -> str:
    """The pre-commit hook's `files`: every kind's content file and department.yaml."""
    names = "|".join(name.removesuffix(".yaml").replace(".", r"\.") for name in (*document_files(), "department.yaml"))
    return rf"(^|/)({names})\.yaml$"
