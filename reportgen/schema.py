"""JSON Schemas of the content files, for editors (yaml-language-server): one per document kind
(kinds.py), plus department.yaml and settings.yaml."""

from __future__ import annotations

import json
from pathlib import Path

from . import kinds
from .profiles import SCORING_INPUTS, Profile, available, load_profile


def schema_models() -> dict[str, str]:
    """Schema name → model reference, every kind's and the shared files'."""
    return {**{kind.name: kind.model for kind in kinds.kinds()},
            "department": "reportgen.model:Department", "settings": "reportgen.model:Settings"}


def schema_text(name: str) -> str:
    schema = kinds.resolve(schema_models()[name]).model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


# Per form profile, the documents' schemas offer only the indicator columns and header fields
# that profile prints: schemas/表式/<profile>/<kind>.schema.json.
PROFILE_FOLDER = "表式"
INDICATOR_DEFINITIONS = {"declaration": "Indicator", "self-evaluation": "EvaluatedIndicator"}


def profile_schema_text(name: str, profile: Profile) -> str:
    """The schema of document kind `name` as the profile's forms have it."""
    from .placement import TABLES

    schema = json.loads(schema_text(name))
    printed = profile.printed_keys(TABLES[kinds.resolve(schema_models()[name])]) | SCORING_INPUTS
    indicator = schema["$defs"][INDICATOR_DEFINITIONS[name]]
    indicator["properties"] = {k: v for k, v in indicator["properties"].items() if k in printed}
    indicator["required"] = [k for k in indicator.get("required", []) if k in printed]
    header = schema["properties"]["表头"]
    header["properties"] = {field: {"type": "string"} for field in profile.header_fields}
    header["additionalProperties"] = False
    indicators = schema["properties"]["绩效指标"]
    if profile.taxonomy is not None:
        indicators["propertyNames"] = {"enum": list(profile.taxonomy.levels)}
    if name == "declaration":  # the optional breakdowns: required where the form has them, else absent
        holders = {"事业发展性支出": schema["$defs"]["Expenditure"], "按预算级次划分": schema["$defs"]["BudgetOverview"],
                   "近两年收支金额": schema["$defs"]["BudgetOverview"]}
        for breakdown, holder in holders.items():
            if breakdown in profile.breakdowns:
                holder["required"] = [*holder.get("required", []), breakdown]
            else:
                holder["properties"].pop(breakdown)
    schema["title"] = f"{schema.get('title', name)}（{profile.title}）"
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_models():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    for profile_name in available():
        profile = load_profile(profile_name)
        (folder / PROFILE_FOLDER / profile_name).mkdir(parents=True, exist_ok=True)
        for name in INDICATOR_DEFINITIONS:
            path = folder / PROFILE_FOLDER / profile_name / f"{name}.schema.json"
            path.write_text(profile_schema_text(name, profile), encoding="utf-8")
            written.append(path)
    return written
