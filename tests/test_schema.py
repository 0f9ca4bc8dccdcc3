"""The committed JSON Schemas, used as an editor uses them: each content file names its schema in
its first line, and its YAML, read by a plain YAML parser, must validate against it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from tools import ROOT

from reportgen import kinds

SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)$")
CONTENT_FILES = sorted((ROOT / "content").rglob("*.yaml"))


def schema_of(path: Path) -> dict:
    match = SCHEMA_LINE.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} does not name its schema in its first line"
    return json.loads((path.parent / match["target"]).resolve().read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.relative_to(ROOT / "content").as_posix())
def test_content_file_validates_against_its_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema_of(path)).iter_errors(data)]
    assert not errors, "\n".join(errors)


def test_every_content_file_is_covered() -> None:
    assert {p.name for p in CONTENT_FILES} == {*kinds.document_files(), "department.yaml", "settings.yaml"}


def test_schema_refuses_a_mistyped_key() -> None:
    path = ROOT / "content/panyu-media-center/2023/declaration.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["预算整体情况x"] = data.pop("预算整体情况")
    messages = [e.message for e in jsonschema.Draft202012Validator(schema_of(path)).iter_errors(data)]
    assert any("预算整体情况x" in m for m in messages) and any("预算整体情况" in m for m in messages)
