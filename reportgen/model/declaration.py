"""部门整体预算绩效目标申报表 (the declaration form)."""

from __future__ import annotations

from pydantic import Field

from .common import Identifier, Indicators, KeyTask, Model, Money, Prose, Text, Waiver, Year


class DevelopmentSpending(Model):
    """事业发展性支出."""

    special_funds: Money = Field(alias="财政专项资金")
    other: Money = Field(alias="其他事业发展性支出")
    stated_total: Money | None = Field(None, alias="合计", description="可不填；填写则须等于各项之和")


class Expenditure(Model):
    """部门预算支出 = 基本支出 + 项目支出 + 事业发展性支出."""

    basic: Money = Field(alias="基本支出")
    project: Money = Field(alias="项目支出")
    development: DevelopmentSpending = Field(alias="事业发展性支出")
    stated_total: Money | None = Field(None, alias="合计", description="可不填；填写则须等于各项之和")


class IncomeSources(Model):
    """收入来源 = 财政拨款 + 其他资金."""

    appropriation: Money = Field(alias="财政拨款")
    other: Money = Field(alias="其他资金")
    stated_total: Money | None = Field(None, alias="合计", description="可不填；填写则须等于各项之和")


class BudgetLevels(Model):
    """按预算级次划分 = 区本级使用资金 + 拟用于对下转移支付资金."""

    district: Money = Field(alias="区本级使用资金")
    transfers: Money = Field(alias="拟用于对下转移支付资金")
    stated_total: Money | None = Field(None, alias="合计", description="可不填；填写则须等于各项之和")


class BudgetOverview(Model):
    """预算整体情况: three breakdowns of one total."""

    expenditure: Expenditure = Field(alias="部门预算支出")
    income: IncomeSources = Field(alias="收入来源")
    levels: BudgetLevels = Field(alias="按预算级次划分")


class Declaration(Model):
    """部门整体预算绩效目标申报表."""

    department: Identifier = Field(alias="部门名称")
    year: Year = Field(alias="年度")
    form_number: Text | None = Field(None, alias="表号", description="如 表14")
    budget: BudgetOverview = Field(alias="预算整体情况")
    overall_goal: Prose = Field(alias="总体绩效目标")
    key_tasks: list[KeyTask] = Field(alias="年度重点工作任务", min_length=1)
    other_tasks: Prose | None = Field(None, alias="其他需完成的任务")
    indicators: Indicators = Field(alias="绩效指标")
    waivers: list[Waiver] = Field(default_factory=list, alias="豁免")
