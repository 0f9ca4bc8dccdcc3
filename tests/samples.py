"""Minimal valid content files, as YAML text with known line numbers, and helpers to load them."""

from __future__ import annotations

from pathlib import Path

from reportgen.model import Declaration, Department, SelfEvaluation
from reportgen.model.parse import parse_model
from reportgen.source import Source, load_text

DEPARTMENT_NAME = "广州市番禺区融媒体中心"

DEPARTMENT = f"""\
部门名称: {DEPARTMENT_NAME}
简称: 区融媒体中心
部门职能:
  概述: 区融媒体中心主要职责：
  主要职责:
    - 做好宣传和舆论引导。
机构情况:
  内设机构:
    - 办公室
"""

# Line numbers matter: the tests name them (line 1 is the line after the opening quotes).
# Amounts are in 0.01 precision and every check passes on both samples.
DECLARATION = f"""\
部门名称: {DEPARTMENT_NAME}
年度: 2024
预算整体情况:
  部门预算支出:
    基本支出: 3110.76
    项目支出: 6998.54
    事业发展性支出:
      财政专项资金: 3.00
      其他事业发展性支出: 0.00
  收入来源:
    财政拨款: 10112.30
    其他资金: 0.00
  按预算级次划分:
    区本级使用资金: 10112.30
    拟用于对下转移支付资金: 0.00
总体绩效目标: 深入开展宣传工作。
年度重点工作任务:
  - 名称: 机构运行辅助经费
    主要实施内容: 保障编外人员工资
    拟投入的资金: 968.19
    期望达到的目标: 保障机构正常运转
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 保障人数
        年度指标值: 55人
    质量指标:
  效益指标:
    社会效益指标:
      - 三级指标: 宣传覆盖面
        年度指标值: 有效提升
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 群众满意度
        年度指标值: ≥90%
"""

# 本年支出 = 3110.76 + 6998.54 = 10109.30; 上年 9900.00 → 变动 209.30.
# 自评表得分：预算执行 9.911 + 产出 50 + 效益 30 × 90% + 满意度 10 = 96.911（优）。
SELF_EVALUATION = f"""\
部门名称: {DEPARTMENT_NAME}
年度: 2024
基本情况:
  人员情况:
    核定编制: 60
    人员:
      - 类别: 在编在职人员
        人数: 55
        上年人数: 53
        变动原因: 新招聘
        其中:
          - 类别: 管理人员
            人数: 20
          - 类别: 专业技术人员
            人数: 35
  年度总体工作:
    部门履职总体目标: 做好宣传工作。
    年度总体工作完成情况: 全面完成。
  收支情况:
    整体支出绩效目标:
      - 深入开展宣传工作
    预算:
      年初预算数: 10112.30
      全年预算数: 10200.00
      预算执行率: 99.11%
    收入:
      合计: 10109.30
      来源:
        - 名称: 财政拨款
          金额: 10000.00
          占比: 98.92%
          预算执行表述: 10000.00
        - 名称: 其他收入
          金额: 109.30
          占比: 1.08%
    支出:
      合计: 10109.30
      基本支出:
        金额: 3110.76
        占比: 30.77%
        明细:
          - 名称: 人员经费
            金额: 2800.00
            占比: 90.01%
          - 名称: 公用经费
            金额: 310.76
            占比: 9.99%
      项目支出:
        金额: 6998.54
        占比: 69.23%
      上年支出合计: 9900.00
      较上年变动: 209.30
      较上年变动率: 2.11%
      变动原因:
        - 名称: 人员经费
          变动: 100.00
        - 名称: 项目经费
          变动: 109.30
  绩效管理情况:
    绩效运行监控情况: 按季度监控。
绩效指标:
  产出指标:
    数量指标:
      - 三级指标: 保障人数
        年度指标值: 55人
        实际完成值: 55人
        分值: 50
  效益指标:
    社会效益指标:
      - 三级指标: 宣传覆盖面
        年度指标值: 有效提升
        实际完成值: 覆盖全区
        完成档次: 达成年度指标
        档内得分比例: 90%
  满意度指标:
    服务对象满意度指标:
      - 三级指标: 群众满意度
        年度指标值: ≥90%
        实际完成值: 95%
综合评价分析:
  自评结论:
    项目构成:
      - 类别: 一般公共预算项目
        个数: 4
        资金: 6998.54
    评价: 较好完成年度目标。
  任务完成情况:
    - 名称: 机构运行辅助经费
      主要实施内容: 保障编外人员工资
      拟投入的资金: 968.19
      期望达到的目标: 保障机构正常运转
      完成情况: 已完成
  重点任务项目支出:
    - 名称: 机构运行辅助经费
      全年预算数: 968.19
      实际执行数: 960.00
      预算执行率: 99.15%
      完成情况: 已完成
  主要成效: 成效明显。
存在的主要问题:
  - 绩效目标设置不够细化
下一步改进措施:
  - 细化绩效目标
"""

MODELS = {"declaration.yaml": Declaration, "self-evaluation.yaml": SelfEvaluation}


def edit(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence of `old`, so that a test row cannot silently miss."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def parse(text: str, name: str = "declaration.yaml") -> tuple[Source, object]:
    source = load_text(text, name)
    return source, parse_model(source, MODELS[name])


def department() -> Department:
    """The DEPARTMENT sample as a model: what a check sees beside a document."""
    model = parse_model(load_text(DEPARTMENT, "department.yaml"), Department)
    assert model is not None
    return model


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under root; returns root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
