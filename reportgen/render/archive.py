"""Office files (.docx, .xlsx) are zip archives: written with fixed entry times, so that equal
inputs give byte-identical files (and an unchanged output is not rewritten by a rebuild)."""

from __future__ import annotations

import io
import zipfile


def reproducible_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info))
    return buffer.getvalue()
