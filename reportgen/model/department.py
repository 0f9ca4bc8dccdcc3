"""department.yaml: the facts of a department shared by all its years."""

from __future__ import annotations

from pydantic import Field

from .common import Model, SharedText


class Functions(Model):
    """部门职能: an introduction and the numbered duties (printed 一是…二是…)."""

    introduction: SharedText = Field(alias="概述", description="段落之间空一行")
    duties: list[SharedText] = Field(alias="主要职责", min_length=1)


class Organisation(Model):
    """机构情况."""

    subordinate_units: list[SharedText] = Field(default_factory=list, alias="下属单位")
    budget_level: SharedText | None = Field(None, alias="预算级次", description="如 部门预算为局本级预算")
    internal_units: list[SharedText] = Field(default_factory=list, alias="内设机构")


class Department(Model):
    name: SharedText = Field(alias="部门名称")
    short_name: SharedText | None = Field(None, alias="简称", description="正文中使用的简称")
    functions: Functions | None = Field(None, alias="部门职能")
    organisation: Organisation | None = Field(None, alias="机构情况")

    @property
    def display_name(self) -> str:
        return self.short_name or self.name
