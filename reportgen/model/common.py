"""Types shared by every document: money, counts, prose, indicators, waivers."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from ..format import plain_number as _plain

# A value the author still has to fill in (written by `reportgen new`); reported by validate.
PLACEHOLDER = "待填写"

# re.ASCII: \d must not match full-width or other Unicode digits (those get a hint instead).
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?", re.ASCII)
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
_UNIT_SUFFIX = re.compile(
    r"^(?P<number>[+-]?[\d,]+(\.\d+)?)\s*(?P<unit>万元|元|万|%|％|人|个|名|分|年)$", re.ASCII
)


class Model(BaseModel):
    """Closed schema; Chinese labels are the YAML keys, English names the attributes."""

    model_config = ConfigDict(
        extra="forbid", validate_by_alias=True, validate_by_name=False, serialize_by_alias=True
    )


class CodedError(ValueError):
    """A value error with its own finding code (the default is E006 for numbers, E003 otherwise);
    `at`: the characters of the written value where the slip is, to point the finding at them."""

    def __init__(self, code: str, message: str, at: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.at = at


def refuse_reference(value: Any, what: str) -> None:
    """E901: `{{ … }}` is filled in free text only, never in a number or an identifier."""
    if isinstance(value, str) and "{{" in value:
        raise CodedError("E901", f"{what}中不能引用数据（{{{{ … }}}}），请直接写出")


def parse_decimal(value: Any, *, unit: str = "万元") -> Decimal:
    """A number from the scalar's own text; never via float. Raises ValueError in Chinese."""
    if isinstance(value, bool) or value is None:
        raise ValueError("没有填写数字" if value is None else "应为数字")
    if isinstance(value, Decimal | int):
        return _within_bounds(Decimal(value), str(value))
    if not isinstance(value, str):
        raise ValueError("应为数字")
    refuse_reference(value, "数字")
    text = value.strip()
    if _PLAIN_NUMBER.fullmatch(text):
        return _within_bounds(Decimal(text), text)
    if _GROUPED_NUMBER.fullmatch(text):
        return _within_bounds(Decimal(text.replace(",", "")), text)
    raise number_slip(text, unit)


_CHINESE_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")
_WRONG_MINUS = re.compile(r"^[−－—–](?=\d)")


def number_slip(text: str, unit: str) -> ValueError:
    """Why `text` is not a number, naming the slip and giving the number meant (E006, E921–E923)."""
    normalised = unicodedata.normalize("NFKC", text).replace("，", ",").replace("。", ".")
    if normalised != text and (
        _PLAIN_NUMBER.fullmatch(normalised) or _GROUPED_NUMBER.fullmatch(normalised)
    ):
        wide = next(c for c in text if not c.isascii())
        return CodedError("E006", f"数字中含有全角字符“{text}”，请改为半角：{normalised.replace(',', '')}", wide)
    if _WRONG_MINUS.match(normalised):
        return CodedError("E923", f"负号写成了“{text[0]}”，应为半角减号：-{normalised[1:]}", text[0])
    separator = _separator_slip(normalised)
    if separator:
        return separator
    match = _UNIT_SUFFIX.match(normalised)
    if match:
        number = match["number"].replace(",", "")
        if match["unit"] == "元" and unit == "万元":
            meant = _plain(Decimal(number) / 10000)
            return CodedError("E921", f"金额以万元为单位：“{text}”即 {meant} 万元，请改为：{meant}"
                                      f"（如果本来就是万元数，只删去“元”：{number}）", "元")
        return CodedError("E006", f"数字后不要写单位“{match['unit']}”（单位为{unit}），请改为：{number}",
                          match["unit"])
    chinese = _chinese_number(normalised, unit)
    if chinese is not None:
        return CodedError("E922", f"用了中文数字“{text}”，请改为阿拉伯数字：{chinese}")
    return ValueError(f"“{text}”不是数字")


def _separator_slip(text: str) -> CodedError | None:
    """、 or a comma for the decimal point, commas in the wrong places, spaces inside."""
    if re.fullmatch(r"\d+、\d+", text):
        return CodedError("E923", f"顿号“、”用作了小数点，请改为：{text.replace('、', '.')}", "、")
    if re.fullmatch(r"\d+,\d{1,2}", text):
        return CodedError("E923", f"逗号用作了小数点？请改为：{text.replace(',', '.')}（千位分隔符后应有三位数字）", ",")
    if re.fullmatch(r"[+-]?\d[\d,]*(\.\d+)?", text) and "," in text:
        return CodedError("E923", f"千位分隔符的位置不对（每三位一个逗号），请改为：{text.replace(',', '')}", ",")
    if re.fullmatch(r"[+-]?\d[\d ]*\d(\.\d+)?", text):
        return CodedError("E923", f"数字中有空格，请改为：{text.replace(' ', '')}", " ")
    return None


def _chinese_number(text: str, unit: str) -> str | None:
    """三千一百 → 3100; 三千万元 → 3000 (万元); 百分之九十五 → 95%: what a Chinese numeral means."""
    percent = text.startswith("百分之")
    body = text.removeprefix("百分之")
    yuan = unit == "万元" and body.endswith("元") and not body.endswith("万元")
    body = body.removesuffix("万元") if unit == "万元" else body
    body = body.removesuffix("元").removesuffix("年")
    if not _CHINESE_NUMERAL.fullmatch(body):
        return None
    import cn2an  # a tenth of a second to import: only for a slip

    try:
        number = Decimal(str(cn2an.cn2an(body, "smart")))
    except (ValueError, KeyError, ArithmeticError):
        return None
    if yuan:
        number /= 10000
    return _plain(number) + ("%" if percent else "")


# Far beyond any budget in 万元, and within what decimal arithmetic keeps exact (28 digits).
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 8


def _within_bounds(number: Decimal, text: str) -> Decimal:
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if not number.is_finite() or abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS or decimals > MAX_DECIMALS:
        raise ValueError(f"数字“{text}”位数过多：整数部分最多 {MAX_INTEGER_DIGITS} 位，小数最多 {MAX_DECIMALS} 位")
    return abs(number) if number.is_zero() else number  # `-0` is 0 (never printed as -0.00)


def _money(value: Any) -> Decimal:
    """An amount of the forms: none of their amounts can be negative (changes are SignedMoney)."""
    number = parse_decimal(value)
    if number < 0:
        raise CodedError("E903", f"金额不能为负数：{value}（此栏为支出、收入或预算数；减少额请写在“变动”类栏目）")
    return number


def _signed_money(value: Any) -> Decimal:
    return parse_decimal(value)


def _percent(value: Any) -> Decimal:
    """`27.29%`, `27.29％` or `27.29` → Decimal('27.29') (in percent)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("%", "％")):  # only the sign is forgiven; full-width digits get a hint
            return parse_decimal(text[:-1], unit="%")
    return parse_decimal(value, unit="%")


def _count(value: Any) -> int:
    number = parse_decimal(value, unit="个/人")
    if number != number.to_integral_value() or number < 0:
        raise ValueError(f"应为非负整数，而不是 {value}")
    return int(number)


_DATE = re.compile(r"(?P<year>\d{4})(?:年度?|[-/.年]\s*\d{1,2}(?:[-/.月]\s*\d{1,2}日?)?月?)")


def _year(value: Any) -> int:
    """年度 is a year: 2024. `2024年`, `2024-01-01`, `二〇二四`, `24` get the year they mean (E924)."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value.strip())
        meant = None
        if match := _DATE.fullmatch(text):
            meant = match["year"]
        elif re.fullmatch(r"\d{2}", text, re.ASCII):
            meant = f"20{text}"
        elif text.removesuffix("年度").removesuffix("年") != text or _CHINESE_NUMERAL.fullmatch(text):
            meant = _chinese_number(text.removesuffix("年度").removesuffix("年"), "年")
        if meant is not None and meant != text:
            raise CodedError("E924", f"年度只写四位数字的年份，“{value.strip()}”请改为：{meant}")
    return _count(value)


def _points(value: Any) -> Decimal:
    number = parse_decimal(value, unit="分")
    if number < 0:
        raise ValueError(f"分值不能为负数：{value}")
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("应为文字")
    return value.strip()


def _shared(value: Any) -> Any:
    """department.yaml serves every year and both documents: what it says is printed as written."""
    refuse_reference(value, "department.yaml（各年度、各文书共用）")
    return value


def _identifier(value: Any) -> str:
    """A name the program matches or files by (部门名称, 豁免的代码和路径, 档次): printed as written."""
    refuse_reference(value, "此栏")
    return _text(value)


_NUMBER_SCHEMA = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[+-]?[\d,]+(\.\d+)?$"}]}

Money = Annotated[
    Decimal, BeforeValidator(_money), WithJsonSchema({**_NUMBER_SCHEMA, "description": "金额（万元）"})
]
Percent = Annotated[
    Decimal, BeforeValidator(_percent),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}], "description": "百分比，如 27.29%"}),
]
SignedMoney = Annotated[
    Decimal, BeforeValidator(_signed_money),
    WithJsonSchema({**_NUMBER_SCHEMA, "description": "金额（万元），增加为正，减少为负"}),
]
Points = Annotated[
    Decimal, BeforeValidator(_points), WithJsonSchema({**_NUMBER_SCHEMA, "description": "分值（分）"})
]
Count = Annotated[int, BeforeValidator(_count), WithJsonSchema({"type": "integer", "minimum": 0})]
Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string"})]
SharedText = Annotated[
    str, BeforeValidator(lambda value: _text(_shared(value))),
    WithJsonSchema({"type": "string", "description": "各年度共用，不能引用数据"}),
]
Identifier = Annotated[
    str, BeforeValidator(_identifier),
    WithJsonSchema({"type": "string", "description": "名称或代码，不能引用数据"}),
]
Year = Annotated[int, BeforeValidator(_year), WithJsonSchema({"type": "integer", "minimum": 2000})]
Prose = Annotated[
    str, BeforeValidator(_text),
    WithJsonSchema({"type": "string", "description": "正文；段落之间空一行；可用 {{ 收入.合计 }} 引用数据"}),
]


class Waiver(Model):
    """An acknowledged discrepancy: reported as waived, never silenced."""

    code: Identifier = Field(alias="代码", description="检查代码，如 E201")
    path: Identifier = Field(alias="路径", description="YAML 路径，如 支出.项目支出")
    accepts: Annotated[
        str, BeforeValidator(_identifier), WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]}),
    ] | None = Field(
        None, alias="范围",
        description="接受的值：一个数（92.3）、一个区间（90~100）或文字（优）；核对填写值的检查必须写明",
    )
    reason: Text = Field(alias="理由", description="为何保留原值")


class Indicator(Model):
    """A third-level performance indicator (三级指标)."""

    name: Text = Field(alias="三级指标")
    period_target: Text | None = Field(None, alias="实施周期指标值")
    target: Text = Field(alias="年度指标值")
    value_type: Identifier | None = Field(None, alias="指标值类型", description="定量 或 定性")
    unit: Text | None = Field(None, alias="计量单位")
    explanation: Text | None = Field(None, alias="指标解释")
    scoring_rule: Text | None = Field(None, alias="评分标准")


class EvaluatedIndicator(Indicator):
    """An indicator of the self-evaluation: the target and what was achieved.

    The target may be left out when the year's declaration states it (it is taken from there).
    """

    target: Text | None = Field(
        None, alias="年度指标值", description="同年度申报表中有该指标时可不填，取自申报表"
    )
    actual: Text | None = Field(None, alias="实际完成值")
    points: Points | None = Field(
        None, alias="分值", description="可不填：同一一级指标下未填分值的指标平分剩余分值"
    )
    band: Identifier | None = Field(
        None, alias="完成档次",
        description="定性指标：达成年度指标 / 部分达成并具有一定效果 / 未达成且效果较差",
    )
    band_percent: Percent | None = Field(
        None, alias="档内得分比例", description="定性指标得分占分值的比例，须在所选档次范围内，如 90%"
    )
    deviation_reason: Text | None = Field(None, alias="偏差原因分析及改进措施")


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


# 一级指标 → 二级指标 → 三级指标 list. Keys are free text; the taxonomy check holds them to a preset.
# An empty 二级 (`数量指标:`) is allowed: the form prints every 二级 row.
Indicators = dict[str, dict[str, Annotated[list[Indicator], BeforeValidator(_none_as_empty)]]]
EvaluatedIndicators = dict[
    str, dict[str, Annotated[list[EvaluatedIndicator], BeforeValidator(_none_as_empty)]]
]


class KeyTask(Model):
    """A row of 年度重点工作任务."""

    name: Text = Field(alias="名称")
    content: Text = Field(alias="主要实施内容")
    funds: Money = Field(alias="拟投入的资金", description="拟投入的资金（万元）")
    goal: Text = Field(alias="期望达到的目标", description="期望达到的目标（概述）")
