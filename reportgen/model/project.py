"""项目支出绩效目标申报表 and 项目支出绩效自评表 (财政部 财预〔2020〕10号 附件): one pair per project.

Keys are the forms' labels. A field the form has but the author cannot state yet (a figure not
published) may be left out: it prints as an empty cell and validation warns (W702), so that
nothing is invented to fill the form.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from .common import Model, Money, Percent, Points, Prose, Text, Waiver, Year, _none_as_empty


class Funds(Model):
    """资金总额 = 财政拨款 + 其他资金."""

    total: Money = Field(alias="资金总额")
    appropriation: Money | None = Field(None, alias="财政拨款")
    other: Money | None = Field(None, alias="其他资金")


class ProjectFunds(Model):
    """项目资金（万元）: 中期资金总额 and 年度资金总额, each with its 其中 rows."""

    medium_term: Funds | None = Field(None, alias="中期资金总额", description="项目期超过一年时填写")
    annual: Funds = Field(alias="年度资金总额")


class ProjectGoals(Model):
    """总体目标."""

    medium_term: Prose | None = Field(None, alias="中期目标")
    annual: Prose = Field(alias="年度目标")


class ProjectIndicator(Model):
    """A 三级指标 of the project declaration."""

    name: Text = Field(alias="三级指标")
    medium_term_target: Text | None = Field(None, alias="中期指标值")
    target: Text = Field(alias="年度指标值")


ProjectIndicators = dict[str, dict[str, Annotated[list[ProjectIndicator], BeforeValidator(_none_as_empty)]]]


class ProjectDeclaration(Model):
    """项目支出绩效目标申报表."""

    project: Text = Field(alias="项目名称")
    year: Year = Field(alias="年度")
    department: Text = Field(alias="主管部门", description="与 department.yaml 的部门名称一致")
    department_code: Text | None = Field(None, alias="主管部门代码")
    implementer: Text = Field(alias="实施单位")
    attribute: Literal["新增", "延续"] | None = Field(None, alias="项目属性", description="新增 或 延续")
    period: Text | None = Field(None, alias="项目期", description="如 2023年 或 2023—2025年")
    funds: ProjectFunds = Field(alias="项目资金")
    goals: ProjectGoals = Field(alias="总体目标")
    indicators: ProjectIndicators = Field(default_factory=dict, alias="绩效指标")
    waivers: list[Waiver] = Field(default_factory=list, alias="豁免")


class BudgetLine(Model):
    """A row of the self-evaluation's 项目资金 block."""

    initial: Money | None = Field(None, alias="年初预算数")
    adjusted: Money = Field(alias="全年预算数")
    executed: Money = Field(alias="全年执行数")


class EvaluationFunds(Model):
    """项目资金（万元）: 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金."""

    total: BudgetLine = Field(alias="年度资金总额")
    appropriation: BudgetLine | None = Field(None, alias="当年财政拨款")
    carried_over: BudgetLine | None = Field(None, alias="上年结转资金")
    other: BudgetLine | None = Field(None, alias="其他资金")
    stated_execution_rate: Percent | None = Field(None, alias="执行率", description="可不填，由全年执行数 ÷ 全年预算数计算")
    reason: Text | None = Field(None, alias="执行率偏差原因", description="执行率低于 90% 时必填")


class EvaluationGoals(Model):
    """年度总体目标: 预期目标 and 实际完成情况."""

    expected: Prose | None = Field(None, alias="预期目标")
    achieved: Prose = Field(alias="实际完成情况")


class ProjectEvaluatedIndicator(Model):
    """A 三级指标 of the project self-evaluation, scored as the department's (scoring.py)."""

    name: Text = Field(alias="三级指标")
    target: Text | None = Field(None, alias="年度指标值")
    actual: Text | None = Field(None, alias="实际完成值")
    points: Points | None = Field(None, alias="分值", description="可不填：同一一级指标下未填分值的指标平分剩余分值")
    band: Text | None = Field(None, alias="完成档次", description="定性指标：达成年度指标 / 部分达成并具有一定效果 / 未达成且效果较差")
    band_percent: Percent | None = Field(None, alias="档内得分比例", description="定性指标得分占分值的比例")
    deviation_reason: Text | None = Field(None, alias="偏差原因分析及改进措施")

    @property
    def value_type(self) -> None:
        """Judged from the target, as an indicator of the department form without 指标值类型."""
        return None


ProjectEvaluatedIndicators = dict[
    str, dict[str, Annotated[list[ProjectEvaluatedIndicator], BeforeValidator(_none_as_empty)]]]


class ProjectSelfEvaluation(Model):
    """项目支出绩效自评表."""

    project: Text = Field(alias="项目名称")
    year: Year = Field(alias="年度")
    department: Text = Field(alias="主管部门", description="与 department.yaml 的部门名称一致")
    implementer: Text = Field(alias="实施单位")
    funds: EvaluationFunds = Field(alias="项目资金")
    goals: EvaluationGoals = Field(alias="年度总体目标")
    indicators: ProjectEvaluatedIndicators = Field(default_factory=dict, alias="绩效指标")
    waivers: list[Waiver] = Field(default_factory=list, alias="豁免")
