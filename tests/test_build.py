"""Batch build: what is rebuilt and what is not, failure isolation, atomic writes, Dask."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import ROOT, run_build, stray_files

from reportgen import build as build_module
from reportgen import checked
from reportgen.build import MANIFEST, BuildLocked, build, build_lock
from reportgen.cli import main
from reportgen.findings import Position
from reportgen.source import content_digest

PANYU = "广州市番禺区融媒体中心"
LIWAN = "中国共产党广州市荔湾区委员会宣传部"


def names(paths) -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in paths}


def test_first_build_writes_every_document_with_recognisable_names(project):
    report = run_build(project)
    assert report.ok, (report.failed, [d.path for d in report.invalid])
    assert names(report.built) == {
        f"{PANYU}/2023年部门整体预算绩效目标申报表.html", f"{PANYU}/2023年部门整体预算绩效目标申报表.docx",
        f"{PANYU}/2022年部门整体支出绩效自评报告.html", f"{PANYU}/2022年部门整体支出绩效自评报告.docx",
        f"{LIWAN}/2024年部门整体预算绩效目标申报表.html", f"{LIWAN}/2024年部门整体预算绩效目标申报表.docx",
    }
    index = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert index.count("已生成") >= 3 and "2022年部门整体支出绩效自评报告.docx".replace("年", "年") in _unquote(index)
    assert (project / "build" / MANIFEST).exists()
    assert not stray_files(project / "build")
    assert report.summary().startswith("6 个已生成，0 个未变，0 个失败")


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


def test_unchanged_inputs_rebuild_nothing(project):
    run_build(project)
    outputs = sorted((project / "build").rglob("*.docx"))
    before = {p: p.stat().st_mtime_ns for p in outputs}
    report = run_build(project)
    assert report.built == [] and len(report.unchanged) == 6
    assert {p: p.stat().st_mtime_ns for p in outputs} == before


def test_touching_a_file_without_changing_it_rebuilds_nothing(project):
    run_build(project)
    os.utime(project / "content/panyu-media-center/2023/declaration.yaml")  # modification time is not an input
    assert run_build(project).built == []


def test_one_changed_document_rebuilds_only_its_outputs(project):
    run_build(project)
    path = project / "content/liwan-publicity-department/2024/declaration.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("显著提升", "明显提升"), encoding="utf-8")
    report = run_build(project)
    assert names(report.built) == {f"{LIWAN}/2024年部门整体预算绩效目标申报表.html",
                                   f"{LIWAN}/2024年部门整体预算绩效目标申报表.docx"}


def test_department_file_change_rebuilds_that_department(project):
    run_build(project)
    path = project / "content/panyu-media-center/department.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("办公室", "综合办公室"), encoding="utf-8")
    report = run_build(project)
    assert {p.parent.name for p in report.built} == {PANYU}
    assert len(report.built) == 4


def test_template_edit_rebuilds_only_documents_using_it(project):
    run_build(project)
    template = project / "templates/html/declaration.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = run_build(project)
    assert names(report.built) == {f"{PANYU}/2023年部门整体预算绩效目标申报表.html",
                                   f"{LIWAN}/2024年部门整体预算绩效目标申报表.html"}
    word = project / "templates/word/self-evaluation.docx"
    word.write_bytes(word.read_bytes())  # same bytes: nothing to do
    assert run_build(project).built == []


def test_new_reportgen_code_rebuilds_everything(project, monkeypatch):
    run_build(project)
    monkeypatch.setattr(checked, "code_fingerprint", lambda: "code-v2")
    assert len(run_build(project).built) == 6


def test_deleted_content_file_removes_its_outputs(project):
    run_build(project)
    (project / "content/liwan-publicity-department/2024/declaration.yaml").unlink()
    report = run_build(project)
    assert names(report.removed) == {f"{LIWAN}/2024年部门整体预算绩效目标申报表.html",
                                     f"{LIWAN}/2024年部门整体预算绩效目标申报表.docx"}
    assert not (project / "build" / LIWAN).exists()
    assert (project / "build" / PANYU / "2023年部门整体预算绩效目标申报表.html").exists()


def test_broken_document_is_reported_and_the_rest_built(project):
    run_build(project)
    good = project / "build" / LIWAN / "2024年部门整体预算绩效目标申报表.html"
    before = good.read_bytes()
    path = project / "content/liwan-publicity-department/2024/declaration.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("基本支出:", "基本支岀:"), encoding="utf-8")
    panyu = project / "content/panyu-media-center/2023/declaration.yaml"
    panyu.write_text(panyu.read_text(encoding="utf-8").replace("6000万元以上", "6001万元以上"), encoding="utf-8")
    report = run_build(project)
    assert not report.ok
    assert [d.path.name for d in report.invalid] == ["declaration.yaml"]
    assert names(report.built) == {f"{PANYU}/2023年部门整体预算绩效目标申报表.html",
                                   f"{PANYU}/2023年部门整体预算绩效目标申报表.docx"}
    stale = good.with_name("【未更新】" + good.name)
    assert not good.exists() and stale.read_bytes() == before  # the last good output is kept, marked
    assert names(report.stale[str(path)]) == {f"{LIWAN}/【未更新】2024年部门整体预算绩效目标申报表.html",
                                              f"{LIWAN}/【未更新】2024年部门整体预算绩效目标申报表.docx"}
    index = _unquote((project / "build" / "index.html").read_text(encoding="utf-8"))
    assert "校验未通过" in index and "【未更新】2024年部门整体预算绩效目标申报表.html" in index
    assert "HTML（未更新）" in index
    assert "2 个旧输出标为【未更新】" in report.summary()


def test_failure_mid_write_keeps_the_old_file(project, monkeypatch):
    run_build(project)
    target = project / "build" / PANYU / "2023年部门整体预算绩效目标申报表.html"
    before = target.read_bytes()
    template = project / "templates/html/declaration.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</table>", "</table>\n", 1), encoding="utf-8")
    real_fsync = os.fsync

    def failing_fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp") and PANYU in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    with monkeypatch.context() as patched:
        patched.setattr(build_module.os, "fsync", failing_fsync)
        report = run_build(project)
    assert target.read_bytes() == before
    assert any("写入失败" in message for message in report.failed.values())
    assert not stray_files(project / "build")
    assert names(run_build(project).built) == {f"{PANYU}/2023年部门整体预算绩效目标申报表.html"}  # retried


def test_a_second_build_is_refused_while_one_runs(project):
    with build_lock(project / "build"), pytest.raises(BuildLocked, match="另一个构建"):
        run_build(project)


def test_cli_build_summary_and_exit_codes(project, monkeypatch):
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "--to", "html", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "3 个已生成，0 个未变，0 个失败" in result.output
    assert "[3/3]" in result.output  # plain progress lines when not on a terminal
    path = project / "content/panyu-media-center/2022/self-evaluation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("年度: 2022", "年度: 2021"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--to", "html"])
    assert result.exit_code == 1
    assert "E402" in result.output and "0 个已生成，2 个未变，1 个失败" in result.output
    assert CliRunner().invoke(main, ["build", "--to", "odt"]).exit_code == 2


@pytest.mark.slow
def test_dask_cluster_gives_the_same_outputs(project, tmp_path):
    distributed = pytest.importorskip("distributed") if not os.environ.get("CI") else __import__("distributed")
    every_format = ("html", "pdf", "docx", "xlsx")
    local = run_build(project, formats=every_format)
    assert local.ok
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        remote = build([project / "content"], tmp_path / "dask-build", templates=project / "templates",
                       formats=every_format, executor=address)
    assert remote.ok and len(remote.built) == 12
    for output in local.built:
        twin = tmp_path / "dask-build" / output.relative_to(project / "build")
        assert twin.read_bytes() == output.read_bytes(), output.name


def test_pre_commit_hook_selects_only_content_files():
    import re

    import yaml

    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    pattern = re.compile(hook["files"])
    assert hook["entry"] == "reportgen validate"
    for name in ("content/a/2023/declaration.yaml", "x/2022/self-evaluation.yaml", "department.yaml"):
        assert pattern.search(name), name
    for name in (".pre-commit-config.yaml", ".github/workflows/ci.yml", "content/a/notes.yaml"):
        assert not pattern.search(name), name


def test_findings_of_unchanged_documents_come_from_the_cache_unchanged(project, monkeypatch):
    fresh = [f.format() for f in run_build(project).findings]
    assert fresh and (project / "build" / build_module.CHECKS_CACHE).exists()
    import reportgen.documents

    def no_loading(*args, **kwargs):
        raise AssertionError("an unchanged document was validated again")

    with monkeypatch.context() as patched:
        patched.setattr(reportgen.documents.Loader, "load_document", no_loading)
        assert [f.format() for f in run_build(project).findings] == fresh


def test_an_edited_department_file_revalidates_its_documents(project):
    run_build(project)
    department = project / "content/panyu-media-center/department.yaml"
    department.write_text(department.read_text(encoding="utf-8").replace(PANYU, "广州市番禺区另一中心"),
                          encoding="utf-8")
    report = run_build(project)
    assert {d.path.parent.name for d in report.invalid} == {"2022", "2023"}  # name no longer matches
    assert any("部门名称" in f.message for f in report.findings if f.is_error)


def test_a_damaged_cache_is_not_trusted(project):
    fresh = [f.format() for f in run_build(project).findings]
    cache = project / "build" / build_module.CHECKS_CACHE
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry.pop("findings")
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert [f.format() for f in run_build(project).findings] == fresh
    (project / "build" / build_module.CHECKS_CACHE).write_text("not json")
    assert [f.format() for f in run_build(project).findings] == fresh


def test_outputs_get_the_usual_permissions(project, monkeypatch):
    monkeypatch.setattr(build_module, "_UMASK", 0o022)
    run_build(project)
    modes = {p.stat().st_mode & 0o777 for p in (project / "build").rglob("*") if p.is_file()}
    assert modes == {0o644}


# --- every output planned: no document overwrites another, nothing leads out --------------------

def test_a_copied_department_folder_writes_neither_document(project):
    run_build(project)
    first = project / "build" / LIWAN / "2024年部门整体预算绩效目标申报表.html"
    before = first.read_bytes()
    shutil.copytree(project / "content/liwan-publicity-department", project / "content/liwan-copy")
    copy = project / "content/liwan-copy/2024/declaration.yaml"
    copy.write_text(copy.read_text(encoding="utf-8").replace("显著提升", "明显提升"), encoding="utf-8")
    for _ in range(2):  # the same verdict every time: no alternating winner
        report = run_build(project)
        conflicts = [f for f in report.findings if f.code == "E801"]
        assert sorted(Path(f.file).parent.parent.name for f in conflicts) == ["liwan-copy", "liwan-publicity-department"]
        for finding in conflicts:
            assert finding.path == ("部门名称",) and finding.position.line == 2  # 部门名称 is line 2
            other = "liwan-copy" if "liwan-publicity" in finding.file else "liwan-publicity-department"
            assert f"content/{other}/2024/declaration.yaml:2" in finding.message
            assert "两份都不生成" in finding.message
        assert {d.path.parent.parent.name for d in report.invalid} == {"liwan-copy", "liwan-publicity-department"}
        assert not any(LIWAN in str(p) for p in report.built)
        assert "明显提升".encode() not in b"".join(p.read_bytes() for p in (project / "build").rglob("*.html"))
    kept = [p for p in (project / "build" / LIWAN).iterdir() if p.suffix == ".html"]
    assert [p.name for p in kept] == [f"【未更新】{first.name}"]  # the earlier output is kept, marked
    assert [p.read_bytes() for p in kept] == [before]
    shutil.rmtree(project / "content/liwan-copy")
    assert run_build(project).ok and first.read_bytes() == before
    assert not kept[0].exists()


def test_a_link_to_another_departments_file_is_a_conflict(project):
    target = project / "content/liwan-publicity-department/2024/declaration.yaml"
    (project / "content/other/2024").mkdir(parents=True)
    shutil.copy(project / "content/liwan-publicity-department/department.yaml", project / "content/other")
    (project / "content/other/2024/declaration.yaml").symlink_to(target)
    report = run_build(project)
    assert sorted(Path(f.file).parent.parent.name for f in report.findings if f.code == "E801") == [
        "liwan-publicity-department", "other"]
    assert not (project / "build" / LIWAN).exists()


def test_a_link_out_of_the_content_folder_is_refused_and_not_read(project, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(project)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    secret = (project / "content/liwan-publicity-department/2024/declaration.yaml").read_text(encoding="utf-8")
    (elsewhere / "declaration.yaml").write_text(secret.replace("显著提升", "别处的秘密"), encoding="utf-8")
    shutil.copytree(project / "content/liwan-publicity-department/2024", elsewhere / "2023")
    linked = project / "content/liwan-publicity-department/2025"
    linked.mkdir()
    (linked / "declaration.yaml").symlink_to(elsewhere / "declaration.yaml")  # a file leading out
    (project / "content/liwan-publicity-department/2023").symlink_to(elsewhere / "2023")  # a folder
    report = run_build(project)
    refused = {f.file: f for f in report.findings if f.code == "E802"}
    assert set(refused) == {"content/liwan-publicity-department/2025/declaration.yaml",
                            "content/liwan-publicity-department/2023/declaration.yaml"}
    for finding in refused.values():
        assert finding.is_error and finding.position == Position(1, 1) and "内容文件夹以外" in finding.message
    assert not any("别处的秘密" in f.message for f in report.findings)
    assert names(report.built) == {f"{PANYU}/2023年部门整体预算绩效目标申报表.html",
                                   f"{PANYU}/2023年部门整体预算绩效目标申报表.docx",
                                   f"{PANYU}/2022年部门整体支出绩效自评报告.html",
                                   f"{PANYU}/2022年部门整体支出绩效自评报告.docx",
                                   f"{LIWAN}/2024年部门整体预算绩效目标申报表.html",
                                   f"{LIWAN}/2024年部门整体预算绩效目标申报表.docx"}
    result = CliRunner().invoke(main, ["validate", str(project / "content")])
    assert result.exit_code == 1 and result.output.count("E802") == 2


def test_a_department_yaml_linking_out_is_refused(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    department = project / "content/liwan-publicity-department/department.yaml"
    shutil.move(department, elsewhere / "department.yaml")
    department.symlink_to(elsewhere / "department.yaml")
    report = run_build(project)
    assert [Path(f.file).name for f in report.findings if f.code == "E802"] == ["department.yaml"]
    assert [d.path.parent.parent.name for d in report.invalid] == ["liwan-publicity-department"]


@pytest.mark.parametrize(("name", "folder"), [
    pytest.param("../../逃逸", "．.／..／逃逸", id="parent-folders"),
    pytest.param("/tmp/逃逸", "／tmp／逃逸", id="absolute"),
    pytest.param(".隐藏", "．隐藏", id="hidden"),
    pytest.param("甲\\乙", "甲＼乙", id="backslash"),
])
def test_a_department_name_is_one_folder_inside_the_output(project, name, folder):
    for path in (project / "content/liwan-publicity-department").rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(LIWAN, f'"{name}"'.replace("\\", "\\\\")),
                        encoding="utf-8")
    report = run_build(project)
    assert report.ok, [f.format() for f in report.findings if f.is_error]
    written = {p.relative_to(project / "build").parts[0] for p in report.built}
    assert written == {PANYU, folder}
    assert all(p.resolve().is_relative_to((project / "build").resolve()) for p in report.built)
    assert sorted(p.name for p in project.iterdir()) == ["build", "content", "templates"]


def test_a_name_too_long_for_a_folder_is_refused(project):
    long_name = "广州市" * 30  # 270 bytes
    for path in (project / "content/liwan-publicity-department").rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(LIWAN, long_name), encoding="utf-8")
    report = run_build(project)
    [finding] = [f for f in report.findings if f.code == "E803"]
    assert finding.position.line == 2 and "270 字节" in finding.message
    assert [d.path.parent.parent.name for d in report.invalid] == ["liwan-publicity-department"]


def test_render_never_writes_over_a_content_file(project, monkeypatch):
    monkeypatch.chdir(project)
    source = Path("content/liwan-publicity-department/2024/declaration.yaml")
    before = source.read_bytes()
    for target in (source, source.parent.parent / "department.yaml"):
        result = CliRunner().invoke(main, ["render", str(source), "--to", "html", "-o", str(target)])
        assert result.exit_code == 2 and "是本文档的内容文件" in result.output
    assert source.read_bytes() == before


# --- build hygiene: outputs never look more current than they are --------------------------------

def test_outputs_of_a_failed_document_are_marked_until_it_builds_again(project, monkeypatch):
    monkeypatch.chdir(project)
    assert CliRunner().invoke(main, ["build", "--to", "html,docx", "-j", "1"]).exit_code == 0
    path = project / "content/liwan-publicity-department/2024/declaration.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("年度: 2024", "年度: 2023"), encoding="utf-8")  # E402
    result = CliRunner().invoke(main, ["build", "--to", "html,docx", "-j", "1"])
    assert result.exit_code == 1
    stale = sorted(p.name for p in (project / "build" / LIWAN).iterdir())
    assert stale == ["【未更新】2024年部门整体预算绩效目标申报表.docx", "【未更新】2024年部门整体预算绩效目标申报表.html"]
    assert "上次生成的输出已改名为" in result.output and result.output.count("【未更新】") >= 3
    assert "2 个旧输出标为【未更新】" in result.output
    again = CliRunner().invoke(main, ["build", "--to", "html"])  # still failing: still marked, still said
    assert "2 个旧输出标为【未更新】" in again.output
    path.write_text(good, encoding="utf-8")
    report = run_build(project)
    assert report.ok and sorted(p.name for p in (project / "build" / LIWAN).iterdir()) == [
        "2024年部门整体预算绩效目标申报表.docx", "2024年部门整体预算绩效目标申报表.html"]
    manifest = json.loads((project / "build" / MANIFEST).read_text(encoding="utf-8"))
    assert not [key for key in manifest if "【未更新】" in key]


def test_a_failed_write_of_the_mark_keeps_the_output_and_says_so(project, monkeypatch):
    run_build(project)
    path = project / "content/liwan-publicity-department/2024/declaration.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("年度: 2024", "年度: 2023"), encoding="utf-8")
    real_replace = os.replace

    def read_only(source, target):
        if "【未更新】" in str(target):
            raise OSError(30, "Read-only file system")
        return real_replace(source, target)

    monkeypatch.setattr(build_module.os, "replace", read_only)
    report = run_build(project)
    messages = [m for o, m in report.failed.items() if LIWAN in str(o)]
    assert len(messages) == 2 and all("无法标为【未更新】：所在磁盘为只读" in m for m in messages)


def test_an_edited_comment_rebuilds_nothing_but_findings_follow_the_lines(project):
    run_build(project)
    path = project / "content/panyu-media-center/2022/self-evaluation.yaml"
    before = [f for f in run_build(project).findings if f.file.endswith("2022/self-evaluation.yaml")]
    text = path.read_text(encoding="utf-8")
    path.write_text("# 2023-03 修订：补充说明\n\n" + text.replace("\n", "  # 注\n", 5), encoding="utf-8")
    department = project / "content/panyu-media-center/department.yaml"
    department.write_text("# 部门信息\n" + department.read_text(encoding="utf-8"), encoding="utf-8")
    report = run_build(project)
    assert report.built == [] and len(report.unchanged) == 6
    after = [f for f in report.findings if f.file.endswith("2022/self-evaluation.yaml")]
    assert [f.position.line for f in after] == [f.position.line + 2 for f in before] and before


def test_a_change_of_what_a_file_says_rebuilds(project):
    run_build(project)
    path = project / "content/panyu-media-center/2023/declaration.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("年度指标值: 95%以上", "年度指标值: \"95%以上\"", 1), encoding="utf-8")
    assert run_build(project).built == []  # the same text, quoted
    assert content_digest(b"a: yes") != content_digest(b"a: 'yes'")  # here quoting changes the value
    assert content_digest(b"a: ~") != content_digest(b"a: '~'") != content_digest(b"a: ''")
    path.write_text(text.replace("年度指标值: 95%以上", "年度指标值: 96%以上", 1), encoding="utf-8")
    assert names(run_build(project).built) == {f"{PANYU}/2023年部门整体预算绩效目标申报表.html",
                                               f"{PANYU}/2023年部门整体预算绩效目标申报表.docx"}


@pytest.mark.parametrize(("encoding", "bom"), [
    pytest.param("utf-16-le", b"\xff\xfe", id="utf-16-le"),
    pytest.param("utf-16-be", b"\xfe\xff", id="utf-16-be"),
    pytest.param("utf-8", b"\xef\xbb\xbf", id="utf-8-bom"),
])
def test_a_file_saved_with_a_byte_order_mark_builds_the_same(project, encoding, bom):
    run_build(project)
    output = project / "build" / LIWAN / "2024年部门整体预算绩效目标申报表.html"
    before = output.read_bytes()
    for path in (project / "content/liwan-publicity-department").rglob("*.yaml"):
        path.write_bytes(bom + path.read_text(encoding="utf-8").encode(encoding))
    report = run_build(project, force=True)
    assert report.ok, [f.format() for f in report.findings if f.is_error]
    assert output.read_bytes() == before


def test_a_declaration_linking_out_gives_nothing_to_its_self_evaluation(project, tmp_path_factory):
    """A self-evaluation takes targets from the declaration of its year: not from one elsewhere."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    year = project / "content/panyu-media-center/2022"
    declaration = (project / "content/panyu-media-center/2023/declaration.yaml").read_text(encoding="utf-8")
    (elsewhere / "declaration.yaml").write_text(
        declaration.replace("年度: 2023", "年度: 2022").replace("95%以上", "OUTSIDE-MARKER"), encoding="utf-8")
    (year / "declaration.yaml").symlink_to(elsewhere / "declaration.yaml")
    report = run_build(project)
    assert [f.file.split("/")[-2:] for f in report.findings if f.code == "E802"] == [["2022", "declaration.yaml"]]
    assert not any(b"OUTSIDE-MARKER" in p.read_bytes() for p in report.built)
    assert not any("OUTSIDE-MARKER" in f.message for f in report.findings)
    checks = checked.check_all([project / "content"])
    planned = build_module.plan(checks, project / "build", ("html",), project / "templates")
    [job] = [j.job for j in build_module.document_jobs(planned, project / "templates")
             if Path(j.job.document_path).parent == year]
    assert [role for role, _, _ in job.related] == ["settings"]  # the render is handed nothing from out there


def test_a_link_loop_in_the_content_folder_ends(project):
    (project / "content/panyu-media-center/loop").symlink_to(project / "content", target_is_directory=True)
    result = CliRunner().invoke(main, ["validate", str(project / "content")])
    assert "E801" not in result.output and result.exit_code in (0, 1)
    assert "已校验" in result.output


# --- a rebuild of one document: its PDF printed by the worker warmed during the checks ----------

LIWAN_DECLARATION = "content/liwan-publicity-department/2024/declaration.yaml"
PRINTED_IN = "printed-in"  # a file beside the content: the pid of each print job, and what to do
ALL_FORMATS = ("html", "pdf", "docx", "xlsx")


def print_job_noting_its_process(job):
    """formats.print_job, writing its process id into the file PRINTED_IN (in the working folder),
    or failing as that file's first line asks: `crash` (SIGKILL), `crash-once` (then `crashed`),
    `fail`."""
    import signal

    from reportgen.render.formats import RenderError, print_job

    marker = Path(PRINTED_IN)
    asked = (marker.read_text().splitlines() or [""])[0] if marker.exists() else ""
    with marker.open("a") as noted:
        noted.write(f"\n{os.getpid()}")
    if asked == "fail":
        raise RenderError("排版失败（测试）")
    if asked in ("crash", "crash-once"):
        if asked == "crash-once":
            marker.write_text(marker.read_text().replace("crash-once", "crashed", 1))
        os.kill(os.getpid(), signal.SIGKILL)
    return print_job(job)


def edit(project: Path, relative: str = LIWAN_DECLARATION) -> None:
    path = project / relative
    path.write_text(path.read_text(encoding="utf-8").replace("显著提升", "明显提升"), encoding="utf-8")


@pytest.fixture
def printing(project, monkeypatch) -> Path:
    """The project built in all formats, its print jobs noted (print_job_noting_its_process)."""
    monkeypatch.chdir(project)
    run_build(project, formats=ALL_FORMATS)
    monkeypatch.setattr(build_module, "print_job", print_job_noting_its_process)
    return project


def printed_in(project: Path) -> list[int]:
    return [int(line) for line in (project / PRINTED_IN).read_text().split() if line.isdigit()]


def test_one_document_rebuilt_has_its_pdf_printed_by_another_process(printing):
    """The same bytes as a document rendered on its own; the PDF laid out by the warmed worker."""
    import multiprocessing

    from reportgen.documents import Loader
    from reportgen.render.formats import render_document

    edit(printing)
    report = run_build(printing, formats=ALL_FORMATS)
    assert report.ok and len(report.built) == 4
    document = Loader().load_document(printing / LIWAN_DECLARATION)
    for path in report.built:
        assert path.read_bytes() == render_document(document, path.suffix[1:], templates=printing / "templates"), path
    assert printed_in(printing) and os.getpid() not in printed_in(printing)
    assert not multiprocessing.active_children()  # the worker does not outlive the build


def test_a_pdf_failing_in_the_worker_fails_alone(printing):
    (printing / PRINTED_IN).write_text("fail")
    edit(printing)
    report = run_build(printing, formats=ALL_FORMATS)
    assert [path.suffix for path in report.failed] == [".pdf"]
    assert list(report.failed.values()) == ["排版失败（测试）"]
    assert sorted(path.suffix for path in report.built) == [".docx", ".html", ".xlsx"]


def test_a_printing_worker_killed_once_is_replaced(printing):
    (printing / PRINTED_IN).write_text("crash-once")
    edit(printing)
    report = run_build(printing, formats=ALL_FORMATS)
    assert report.ok and len(report.built) == 4, report.failed
    assert len(set(printed_in(printing))) == 2  # the killed worker, then one of its own


def test_a_printing_worker_killed_twice_fails_the_pdf_alone(printing):
    from reportgen.build import CRASHED

    (printing / PRINTED_IN).write_text("crash")
    before = (printing / "build" / LIWAN / "2024年部门整体预算绩效目标申报表.pdf").read_bytes()
    edit(printing)
    report = run_build(printing, formats=ALL_FORMATS)
    assert {path.name: message for path, message in report.failed.items()} == {
        "2024年部门整体预算绩效目标申报表.pdf": CRASHED}
    assert len(report.built) == 3
    marked = printing / "build" / LIWAN / "2024年部门整体预算绩效目标申报表.pdf"
    assert not marked.exists() or marked.read_bytes() == before


def test_a_build_with_nothing_to_render_stops_its_warming_worker(printing):
    import multiprocessing

    report = run_build(printing, formats=ALL_FORMATS)
    assert report.built == [] and not multiprocessing.active_children()
    assert not (printing / PRINTED_IN).exists()
