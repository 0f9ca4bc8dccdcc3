"""部门整体支出绩效自评报告 and its annex 部门整体支出绩效自评表."""

from __future__ import annotations

from pydantic import Field

from .common import (
    Count,
    EvaluatedIndicators,
    Identifier,
    KeyTask,
    Model,
    Money,
    Percent,
    Prose,
    SignedMoney,
    Text,
    Waiver,
    Year,
)

_FROM_PROJECT = "本年度有同名项目的项目支出绩效自评表时可不填，取自该表"
_FROM_DECLARATION = "同年度申报表中有同名任务时可不填，取自申报表"


class StaffPart(Model):
    category: Text = Field(alias="类别")
    count: Count = Field(alias="人数")


class StaffGroup(Model):
    """One line of 人员情况: e.g. 在编在职人员 55 人, 上年 53 人, and why it changed."""

    category: Text = Field(alias="类别", description="如 在编在职人员")
    count: Count = Field(alias="人数")
    previous: Count | None = Field(None, alias="上年人数")
    change_reason: Text | None = Field(None, alias="变动原因")
    parts: list[StaffPart] = Field(default_factory=list, alias="其中")


class Staffing(Model):
    """人员情况."""

    establishment_kind: Text | None = Field(
        None, alias="编制类型", description="如 事业编制、行政编制；不填时只写“核定编制N名”")
    establishment: Count = Field(alias="核定编制")
    groups: list[StaffGroup] = Field(alias="人员", min_length=1)


class WorkArea(Model):
    """A numbered area of the year's work, e.g. (1) 坚持政治引领… with its items 1. 2. 3."""

    title: Text = Field(alias="标题")
    items: list[Prose] = Field(alias="条目", min_length=1)


class AnnualWork(Model):
    """(二) 年度总体工作和重点工作任务."""

    mission: Prose = Field(alias="部门履职总体目标")
    summary: Prose = Field(alias="年度总体工作完成情况")
    areas: list[WorkArea] = Field(default_factory=list, alias="重点工作")


class Amount(Model):
    """A named amount; `说明` is the phrase printed after its share."""

    name: Text = Field(alias="名称")
    amount: Money = Field(alias="金额")
    note: Text | None = Field(None, alias="说明")
    stated_share: Percent | None = Field(None, alias="占比", description="可不填，由金额计算；填写则核对")


class IncomeSource(Amount):
    stated_execution: Money | None = Field(
        None, alias="预算执行表述", description="预算完成情况一段另行写出的执行数；填写则须等于金额"
    )


class Income(Model):
    """年度预算收入."""

    stated_total: Money | None = Field(None, alias="合计")
    sources: list[IncomeSource] = Field(alias="来源", min_length=1)


class SpendingBlock(Model):
    """基本支出 or 项目支出 with its economic breakdown."""

    amount: Money = Field(alias="金额")
    stated_share: Percent | None = Field(None, alias="占比")
    parts: list[Amount] = Field(default_factory=list, alias="明细")


class SpendingChange(Model):
    name: Text = Field(alias="名称", description="如 人员经费")
    change: SignedMoney = Field(alias="变动", description="增加为正，减少为负（万元）")


class Expenditure(Model):
    """年度预算支出."""

    stated_total: Money | None = Field(None, alias="合计")
    basic: SpendingBlock = Field(alias="基本支出")
    project: SpendingBlock = Field(alias="项目支出")
    by_function: list[Amount] = Field(default_factory=list, alias="按功能分类")
    previous_total: Money | None = Field(None, alias="上年支出合计")
    stated_change: SignedMoney | None = Field(None, alias="较上年变动", description="增加为正，减少为负（万元）")
    stated_change_rate: Percent | None = Field(None, alias="较上年变动率")
    change_reasons: list[SpendingChange] = Field(default_factory=list, alias="变动原因")


class Budget(Model):
    """Budget figures of the year: 年初预算数 and 全年预算数 (adjusted)."""

    initial: Money | None = Field(None, alias="年初预算数")
    adjusted: Money = Field(alias="全年预算数")
    stated_execution_rate: Percent | None = Field(None, alias="预算执行率")
    reason: Text | None = Field(
        None, alias="执行率偏差原因", description="预算执行率低于设定下限（默认 90%）时必填"
    )


class Finances(Model):
    """(三) 部门整体收支情况."""

    goals: list[Text] = Field(alias="整体支出绩效目标", min_length=1)
    budget: Budget = Field(alias="预算")
    income: Income = Field(alias="收入")
    expenditure: Expenditure = Field(alias="支出")


class PerformanceManagement(Model):
    """(四) 部门整体绩效管理情况 (the goals are those of (三), stated once)."""

    monitoring: Prose = Field(alias="绩效运行监控情况")


class Background(Model):
    """一、基本情况."""

    staffing: Staffing = Field(alias="人员情况")
    annual_work: AnnualWork = Field(alias="年度总体工作")
    finances: Finances = Field(alias="收支情况")
    management: PerformanceManagement = Field(alias="绩效管理情况")


class ProjectGroup(Model):
    """Projects of one funding kind evaluated, e.g. 一般公共预算项目 4 个, 851.32 万元."""

    kind: Text = Field(alias="类别")
    count: Count = Field(alias="个数")
    funds_name: Text = Field("资金", alias="资金表述")
    funds: Money = Field(alias="资金")


class Conclusion(Model):
    """(一) 自评结论综述."""

    project_groups: list[ProjectGroup] = Field(default_factory=list, alias="项目构成")
    stated_score: Percent | None = Field(None, alias="自评得分", description="可不填，由自评表计算")
    stated_grade: Text | None = Field(None, alias="自评等级")
    assessment: Prose = Field(alias="评价")


class TaskOutcome(KeyTask):
    """A row of the 任务完成情况 table; what the declaration states may be left out."""

    content: Text | None = Field(None, alias="主要实施内容", description=_FROM_DECLARATION)
    funds: Money | None = Field(
        None, alias="拟投入的资金", description=f"拟投入的资金（万元）；{_FROM_DECLARATION}"
    )
    goal: Text | None = Field(
        None, alias="期望达到的目标", description=f"期望达到的目标（概述）；{_FROM_DECLARATION}"
    )
    outcome: Prose = Field(alias="完成情况")


class ProjectSpending(Model):
    """(三) 各重点任务项目支出: 预算数, 执行数 and what was done."""

    name: Text = Field(alias="名称")
    budget: Money | None = Field(None, alias="全年预算数", description=_FROM_PROJECT)
    executed: Money | None = Field(None, alias="实际执行数", description=_FROM_PROJECT)
    stated_rate: Percent | None = Field(None, alias="预算执行率")
    outcome: Prose = Field(alias="完成情况")


class Analysis(Model):
    """二、综合评价分析."""

    conclusion: Conclusion = Field(alias="自评结论")
    tasks: list[TaskOutcome] = Field(alias="任务完成情况", min_length=1)
    projects: list[ProjectSpending] = Field(default_factory=list, alias="重点任务项目支出")
    achievements: Prose = Field(alias="主要成效")


class SelfEvaluation(Model):
    """部门整体支出绩效自评报告."""

    department: Identifier = Field(alias="部门名称")
    year: Year = Field(alias="年度")
    background: Background = Field(alias="基本情况")
    indicators: EvaluatedIndicators = Field(alias="绩效指标")
    analysis: Analysis = Field(alias="综合评价分析")
    problems: list[Text] = Field(alias="存在的主要问题", min_length=1)
    improvements: list[Text] = Field(alias="下一步改进措施", min_length=1)
    waivers: list[Waiver] = Field(default_factory=list, alias="豁免")
