"""content/settings.yaml: the numbers of the scoring rules (财预〔2020〕10号 by default)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from typing import Any

from pydantic import Field, field_validator, model_validator

from .common import Count, Identifier, Model, Percent, Points, Text

HUNDRED = Decimal(100)


class Band(Model):
    """A band of a qualitative indicator: the share of its points it may earn."""

    name: Identifier = Field(alias="名称", description="如 达成年度指标")
    lower: Percent = Field(alias="下限", description="得分比例下限，如 80%")
    upper: Percent = Field(alias="上限", description="得分比例上限，如 100%")

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if not Decimal(0) <= self.lower <= self.upper <= HUNDRED:
            raise ValueError(f"档次“{self.name}”的下限与上限应满足 0% ≤ 下限 ≤ 上限 ≤ 100%")
        return self


class Grade(Model):
    """A grade and the lowest total (unrounded) that earns it."""

    name: Identifier = Field(alias="名称", description="如 优 或 优秀")
    minimum: Points = Field(alias="最低分", description="总分不低于此分即为该等级")


def _bands(*rows: tuple[str, int, int]) -> list[Band]:
    return [Band.model_validate({"名称": n, "下限": lo, "上限": hi}) for n, lo, hi in rows]


def _grades(*rows: tuple[str, int]) -> list[Grade]:
    return [Grade.model_validate({"名称": n, "最低分": m}) for n, m in rows]


def default_bands() -> list[Band]:
    return _bands(("达成年度指标", 80, 100), ("部分达成并具有一定效果", 60, 80),
                  ("未达成且效果较差", 0, 60))


def default_grades() -> list[Grade]:
    return _grades(("优", 90), ("良", 80), ("中", 60), ("差", 0))


def default_block_points() -> dict[str, Decimal]:
    return {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}


def preset_names() -> list[str]:
    files = resources.files("reportgen.presets").iterdir()
    return sorted(f.name.removeprefix("taxonomy-").removesuffix(".yaml")
                  for f in files if f.name.startswith("taxonomy-") and f.name.endswith(".yaml"))


class Scoring(Model):
    """评分: every number of the scoring rules."""

    execution_points: Points = Field(Decimal(10), alias="预算执行率分值")
    block_points: dict[str, Points] = Field(
        default_factory=default_block_points, alias="一级指标分值",
        description="各一级指标的分值，如 产出指标: 50",
    )
    execution_reason_below: Percent = Field(
        Decimal(90), alias="预算执行率须说明原因的下限", description="预算执行率低于此值须填写执行率偏差原因"
    )
    excess_reason_at: Percent = Field(
        Decimal(130), alias="超额须说明原因的比例",
        description="实际完成值达到年度指标值的此比例及以上须说明偏差原因",
    )
    at_most_zero_multiple: Decimal = Field(
        Decimal(2), alias="反向指标零分倍数",
        description="“以下/不超过”类指标：实际完成值达到年度指标值的此倍数及以上得 0 分",
    )
    bands: list[Band] = Field(
        default_factory=default_bands, alias="定性指标档次", min_length=1,
        description="第一项为达成档次；其他档次须说明偏差原因",
    )
    grades: list[Grade] = Field(default_factory=default_grades, alias="等级", min_length=1)
    score_decimals: Count = Field(2, alias="得分小数位数", description="自评表中分值与得分的小数位数")
    total_decimals: Count = Field(1, alias="总分小数位数", description="自评结论中总分的小数位数")

    @field_validator("at_most_zero_multiple", mode="before")
    @classmethod
    def _multiple(cls, value: Any) -> Decimal:
        from .common import parse_decimal

        number = parse_decimal(value, unit="倍")
        if number <= 1:
            raise ValueError("反向指标零分倍数应大于 1")
        return number

    @field_validator("grades")
    @classmethod
    def _descending(cls, grades: list[Grade]) -> list[Grade]:
        return sorted(grades, key=lambda g: g.minimum, reverse=True)

    def points_total(self) -> Decimal:
        return self.execution_points + sum(self.block_points.values(), Decimal(0))


class Settings(Model):
    """content/settings.yaml."""

    taxonomy: Text = Field("default", alias="指标体系", description="指标体系预设名称，如 default")
    scoring: Scoring = Field(default_factory=Scoring, alias="评分")
    fonts_folder: Text | None = Field(
        None, alias="字体文件夹",
        description="存放 仿宋_GB2312、方正小标宋简体、楷体_GB2312、黑体 等字体文件的文件夹（相对 content 文件夹），"
                    "PDF 使用并嵌入其中的字体",
    )

    @field_validator("taxonomy")
    @classmethod
    def _known_preset(cls, name: str) -> str:
        names = preset_names()
        if name not in names:
            raise ValueError(f"未知的指标体系“{name}”，可用：{'、'.join(names)}")
        return name
