"""CJK font availability: a PDF must never show boxes in place of characters."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache


class MissingFontError(RuntimeError):
    """No font on this machine can draw Chinese text."""


@cache
def cjk_families() -> tuple[str, ...]:
    """Families fontconfig knows that cover Simplified Chinese."""
    if shutil.which("fc-list") is None:
        return ()
    result = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return tuple(sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()}))


def ensure_cjk_fonts() -> None:
    if not cjk_families():
        raise MissingFontError(
            "未找到中文字体，生成的 PDF 会出现方框。请安装：apt-get install fonts-noto-cjk fonts-arphic-ukai"
            "（make build 会自动安装）"
        )
