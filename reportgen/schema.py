"""JSON Schemas of the content files, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Declaration, Department, SelfEvaluation, Settings

SCHEMAS = {
    "declaration": Declaration,
    "self-evaluation": SelfEvaluation,
    "department": Department,
    "settings": Settings,
}


def schema_text(name: str) -> str:
    schema = SCHEMAS[name].model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written
