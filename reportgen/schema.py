"""JSON Schemas of the content files, for editors (yaml-language-server): one per document kind
(kinds.py), plus department.yaml and settings.yaml."""

from __future__ import annotations

import json
from pathlib import Path

from . import kinds


def schema_models() -> dict[str, str]:
    """Schema name → model reference, every kind's and the shared files'."""
    return {**{kind.name: kind.model for kind in kinds.kinds()},
            "department": "reportgen.model:Department", "settings": "reportgen.model:Settings"}


def schema_text(name: str) -> str:
    schema = kinds.resolve(schema_models()[name]).model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_models():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written
