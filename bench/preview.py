"""Benchmark: how soon the preview shows a saved change, in a real headless Chromium.

The seed self-evaluation is opened in `reportgen serve`; its YAML is saved with a marker N
times and the time until the marker is on the page is measured. As the reference, measured in
the same run, a plain reload of the same page (what the page does on a change, minus the
server's watching and re-rendering). Target: the page shows the change within 300 ms.

    python bench/preview.py [--saves 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from reportgen.serve import Preview

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENT = "panyu-media-center"
DOCUMENT = f"{DEPARTMENT}/2022/self-evaluation.yaml"
SENTENCE = "坚持以习近平新时代中国特色社会主义思想为指导"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]


def milliseconds(values: list[float]) -> str:
    return "、".join(f"{v * 1000:.0f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--saves", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reportgen-preview-"))
    shutil.copytree(ROOT / "content" / DEPARTMENT, folder / "content" / DEPARTMENT)
    shutil.copytree(ROOT / "templates", folder / "templates")
    os.chdir(folder)
    preview = Preview(Path("content"), templates=folder / "templates", port=0, log=lambda line: None)
    preview.start(background=True)
    path = folder / "content" / DOCUMENT
    original = path.read_text(encoding="utf-8")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(preview.url + f"preview/{quote(DOCUMENT)}")
            page.locator("p", has_text=SENTENCE).wait_for()
            saves, reloads = [], []
            for run in range(args.saves):
                marker = f"【第{run + 1}次修改】"
                page.wait_for_timeout(300)
                started = time.perf_counter()
                path.write_text(original.replace(SENTENCE, marker + SENTENCE), encoding="utf-8")
                page.locator("p", has_text=marker).wait_for(timeout=10_000)
                saves.append(time.perf_counter() - started)
                page.wait_for_timeout(300)
                started = time.perf_counter()
                page.reload()
                page.locator("p", has_text=marker).wait_for(timeout=10_000)
                reloads.append(time.perf_counter() - started)
            browser.close()
    finally:
        preview.close()
        shutil.rmtree(folder, ignore_errors=True)
    save, reload = statistics.median(saves), statistics.median(reloads)
    print(f"保存→页面更新（毫秒）：{milliseconds(saves)}")
    print(f"  中位数 {save * 1000:.0f}，最快 {min(saves) * 1000:.0f}（目标 300）")
    print(f"同一页面直接刷新（毫秒）：{milliseconds(reloads)}")
    print(f"  中位数 {reload * 1000:.0f}")
    print(f"比值：保存→更新 ÷ 直接刷新 = {save / reload:.2f}（其余为监视文件与重新生成的用时）")


if __name__ == "__main__":
    main()
