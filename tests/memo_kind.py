"""A document kind of the tests' own — a 备忘录 (memo) — declared as a new kind is: a model, a
check, a context, two writers and one row. Nothing else in reportgen knows it (test_kinds.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document as WordDocument
from openpyxl import Workbook
from pydantic import Field

from reportgen.checks import CheckContext, department_and_year
from reportgen.findings import Finding
from reportgen.format import money
from reportgen.kinds import Kind
from reportgen.model.common import Model, Text

TEMPLATE = Path(__file__).resolve().parent / "fixtures" / "memo" / "memo.html"


class Memo(Model):
    department: Text = Field(alias="部门名称")
    year: int = Field(alias="年度")
    subject: Text = Field(alias="事项")
    amount: Decimal = Field(alias="金额")


def amount_is_positive(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.document.amount <= 0:
        yield ctx.error("E999", "金额应大于零", ("金额",))


CHECKS = (amount_is_positive, department_and_year)


def context(document: Any) -> dict[str, Any]:
    memo: Memo = document.model
    return {"kind": "memo", "title": "备忘录", "pdf_title": f"{memo.department}{memo.year}年备忘录",
            "department": memo.department, "year": memo.year, "subject": memo.subject,
            "amount": money(memo.amount)}


def docx(context: dict[str, Any], templates: Path) -> bytes:
    word = WordDocument()
    word.add_paragraph(f"{context['subject']}：{context['amount']}万元")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def xlsx(context: dict[str, Any], templates: Path) -> bytes:
    workbook = Workbook()
    workbook.active.append(["事项", "金额（万元）"])
    workbook.active.append([context["subject"], context["amount"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MEMO = Kind(
    name="memo", file="memo.yaml", title="备忘录", short_title="备忘录", model="memo_kind:Memo", checks="memo_kind:CHECKS",
    context="memo_kind:context", writers={"docx": "memo_kind:docx", "xlsx": "memo_kind:xlsx"},
    templates={"html": ("style.css", "html/memo.html"), "pdf": ("style.css", "html/memo.html"), "docx": (),
               "xlsx": ()},
    related=("department", "settings"),
)
