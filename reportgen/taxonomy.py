"""The indicator taxonomy (一级 → 二级), kept as data in a preset file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Taxonomy:
    name: str
    levels: dict[str, tuple[str, ...]]

    def unknown_first_message(self, first: str) -> str:
        close = difflib.get_close_matches(first, list(self.levels), n=1, cutoff=0.3)
        hint = f"，是否应为“{close[0]}”？" if close else f"；可用的一级指标：{'、'.join(self.levels)}"
        return f"未知的一级指标“{first}”{hint}"

    def misplaced_second_message(self, first: str, second: str) -> str:
        owner = next((f for f, seconds in self.levels.items() if second in seconds), None)
        if owner:
            return f"二级指标“{second}”属于“{owner}”，不属于“{first}”"
        allowed = "、".join(self.levels[first])
        return f"“{first}”下没有二级指标“{second}”；可用的有：{allowed}"


@cache
def load_preset(name: str = "default") -> Taxonomy:
    text = resources.files("reportgen.presets").joinpath(f"taxonomy-{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return Taxonomy(name, {first: tuple(seconds) for first, seconds in data.items()})
