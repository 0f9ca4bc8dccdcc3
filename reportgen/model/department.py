"""department.yaml: the facts of a department shared by all its years."""

from __future__ import annotations

from pydantic import Field

from .common import Model, Prose, Text


class Functions(Model):
    """部门职能: an introduction and the numbered duties (printed 一是…二是…)."""

    introduction: Prose = Field(alias="概述")
    duties: list[Text] = Field(alias="主要职责", min_length=1)


class Organisation(Model):
    """机构情况."""

    subordinate_units: list[Text] = Field(default_factory=list, alias="下属单位")
    budget_level: Text | None = Field(None, alias="预算级次", description="如 部门预算为局本级预算")
    internal_units: list[Text] = Field(default_factory=list, alias="内设机构")


class Department(Model):
    name: Text = Field(alias="部门名称")
    short_name: Text | None = Field(None, alias="简称", description="正文中使用的简称")
    functions: Functions | None = Field(None, alias="部门职能")
    organisation: Organisation | None = Field(None, alias="机构情况")

    @property
    def display_name(self) -> str:
        return self.short_name or self.name
