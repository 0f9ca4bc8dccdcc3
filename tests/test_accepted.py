"""Accepted means printed: for every form profile, a value written in any indicator field or header
field the profile accepts appears in every output whose form has a place for it (HTML, PDF text,
Word text, xlsx cells); a field it has no place for is refused (E303), naming the fields it has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from tools import ROOT, texts

from reportgen import profiles
from reportgen.documents import Loader
from reportgen.model.common import EvaluatedIndicator
from reportgen.placement import TABLES

FIXTURES = ROOT / "tests/fixtures/profiles"
KINDS = {"declaration": "2023/declaration.yaml", "self-evaluation": "2022/self-evaluation.yaml"}
COMPUTED = {"分值", "得分", "得分系数"}  # printed from the scoring, not as written


def accepted_fields(profile: profiles.Profile, kind: str) -> list[str]:
    tables = TABLES[type(Loader().load_document(FIXTURES / profile.name / "panyu-media-center" / KINDS[kind]).model)]
    return sorted(profile.printed_keys(tables) - COMPUTED)


def marked_copy(tmp_path: Path, name: str, kind: str) -> tuple[Path, dict[str, str]]:
    """The profile's sample with a marker (Z01, Z02…) in each accepted field of one indicator and
    in each header field."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / name, content)
    path = content / "panyu-media-center" / KINDS[kind]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    profile = profiles.load_profile(name)
    markers: dict[str, str] = {}
    item = data["绩效指标"]["产出指标"]["质量指标"][0]
    for key in accepted_fields(profile, kind):
        markers[key] = item[key] = f"Z{len(markers) + 1:02d}"
    if profile.header_fields:
        data["表头"] = {}
        for field in profile.header_fields:
            markers[f"表头.{field}"] = data["表头"][field] = f"Z{len(markers) + 1:02d}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, markers


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", profiles.available())
def test_every_accepted_field_is_printed_in_every_format(tmp_path: Path, name: str, kind: str) -> None:
    path, markers = marked_copy(tmp_path, name, kind)
    assert markers, "a profile accepts fields"
    outputs = texts(path)
    missing = {fmt: [key for key, marker in markers.items() if marker not in text]
               for fmt, text in outputs.items()}
    assert missing == {fmt: [] for fmt in outputs}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", profiles.available())
def test_a_field_without_a_place_is_a_located_error_listing_the_fields(tmp_path: Path, name: str,
                                                                     kind: str) -> None:
    profile = profiles.load_profile(name)
    accepted = set(accepted_fields(profile, kind)) | profiles.SCORING_INPUTS | COMPUTED
    model_fields = [f.alias for f in EvaluatedIndicator.model_fields.values()]
    if kind == "declaration":
        from reportgen.model.common import Indicator
        model_fields = [f.alias for f in Indicator.model_fields.values()]
    refused = [key for key in model_fields if key not in accepted]
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / name, content)
    path = content / "panyu-media-center" / KINDS[kind]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["绩效指标"]["产出指标"]["质量指标"][0]
    for key in refused:
        item[key] = "Y"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    findings = {f.path[-1]: f for f in Loader().load_document(path).findings if f.code == "E303"}
    assert sorted(findings) == sorted(refused)
    for key, finding in findings.items():
        assert lines[finding.position.line - 1].strip().startswith(f"{key}:")
        assert "本表式的指标栏目有：" in finding.message and "三级指标" in finding.message


@pytest.mark.parametrize("name", [n for n in profiles.available()
                                  if "近两年收支金额" in profiles.load_profile(n).breakdowns])
def test_the_two_previous_years_are_printed_in_every_format(tmp_path: Path, name: str) -> None:
    """近两年收支金额: each year's 收入金额 and 支出金额, as written (four decimals), in all four
    outputs; the spreadsheet keeps them as numbers."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / name, content)
    path = content / "panyu-media-center" / KINDS["declaration"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    amounts = ["1357.2468", "2468.1357", "3579.9753", "4680.0864"]
    data["预算整体情况"]["近两年收支金额"] = [
        {"年度": data["年度"] - 2, "收入金额": amounts[0], "支出金额": amounts[1]},
        {"年度": data["年度"] - 1, "收入金额": amounts[2], "支出金额": amounts[3]}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    outputs = texts(path)
    for fmt in ("html", "pdf", "docx"):
        assert all(f"{float(a):,.4f}" in outputs[fmt] for a in amounts), fmt
        assert f"{data['年度'] - 2}年" in outputs[fmt] and "近两年收入" in outputs[fmt], fmt
    assert all(a in outputs["xlsx"] for a in amounts)
    assert "近两年支出" in outputs["xlsx"]
