"""Fixtures shared by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tools import ROOT

from reportgen import checked


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A copy of content/ and templates/; the code's own fingerprint pinned, so builds see only edits."""
    monkeypatch.setattr(checked, "code_fingerprint", lambda: "code-v1")
    # the department documents only: the build's guarantees are counted on them; the sample
    # projects are built in test_projects.py
    shutil.copytree(ROOT / "content", tmp_path / "content", ignore=shutil.ignore_patterns("projects"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="replace the approved page images in tests/golden/ by the pages rendered now")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
