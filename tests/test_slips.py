"""The catalogue of a clerk's slips (docs/bad-input.md): each on its own line and column, named,
with the value meant. One row a slip: the edit to a valid sample, where the finding must point,
its code, the words that name the slip, and the corrected text it must offer."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples import DECLARATION, DEPARTMENT, SELF_EVALUATION, edit, write_tree

from reportgen.documents import Loader

DECL, SELF = "declaration.yaml", "self-evaluation.yaml"
BASIC = "    基本支出: 3110.76"
PROJECT = "    项目支出: 6998.54"
YEAR = "年度: 2024"

# (document, old line(s), new line(s), (line, col), code, words naming the slip, the fix offered);
# the column is the slip's own: the 元 of 31107600元, the 、 of 3110、76.
SLIPS = [
    # How the YAML is written: found in the raw text, on the line of the slip.
    (DECL, BASIC, "    基本支出：3110.76", (5, 9), "E911", "全角冒号", "基本支出: 3110.76"),
    (DECL, PROJECT, "    项目支出：6998.54", (6, 9), "E911", "全角冒号", "项目支出: 6998.54"),
    (DECL, BASIC, "    基本支出:3110.76", (5, 9), "E912", "冒号后缺少空格", "基本支出: 3110.76"),
    (DECL, "  部门预算支出:\n    基本支出: 3110.76", "  部门预算支出:基本支出", (4, 9), "E912",
     "冒号后缺少空格", "部门预算支出: 基本支出"),
    (DECL, BASIC, "　　基本支出: 3110.76", (5, 1), "E913", "全角空格", "    基本支出: 3110.76"),
    (DECL, BASIC, "    基本支出:　3110.76", (5, 10), "E913", "全角空格", "基本支出: 3110.76"),
    (DECL, BASIC, "\t基本支出: 3110.76", (5, 1), "E914", "制表符", "缩进 4 个空格"),
    (DECL, PROJECT, "   项目支出: 6998.54", (6, 4), "E915", "缩进有误", "请改为 4 个空格：“    项目支出: 6998.54”"),
    (DECL, PROJECT, "      项目支出: 6998.54", (6, 7), "E915", "上一行的键已有值", "请改为 4 个空格"),
    (DECL, "    主要实施内容: 保障编外人员工资", "     主要实施内容: 保障编外人员工资", (19, 6), "E915",
     "缩进有误", "请改为 4 个空格"),
    (DECL, "  - 名称: 机构运行辅助经费", "  -名称: 机构运行辅助经费", (18, 3), "E916", "“-”后缺少空格",
     "- 名称: 机构运行辅助经费"),
    (DECL, "  - 名称: 机构运行辅助经费", "  － 名称: 机构运行辅助经费", (18, 3), "E916", "用了“－”",
     "- 名称: 机构运行辅助经费"),
    (SELF, "存在的主要问题:\n  - 绩效目标设置不够细化", "存在的主要问题: 目标不细、监控不够", (100, 10), "E004",
     "每项一行", "“- 目标不细”“- 监控不够”"),
    # Numbers: the value meant.
    (DECL, BASIC, "    基本支出: 31107600元", (5, 19), "E921", "以万元为单位", "请改为：3110.76"),
    (DECL, BASIC, "    基本支出: 3110.76万元", (5, 18), "E006", "不要写单位“万元”", "请改为：3110.76"),
    (DECL, BASIC, "    基本支出: 3110.76万", (5, 18), "E006", "不要写单位“万”", "请改为：3110.76"),
    (DECL, BASIC, "    基本支出: 三千一百一十点七六", (5, 11), "E922", "中文数字", "请改为阿拉伯数字：3110.76"),
    (DECL, "      财政专项资金: 3.00", "      财政专项资金: 三万元", (8, 15), "E922", "中文数字",
     "请改为阿拉伯数字：3"),
    (DECL, PROJECT, "    项目支出: 69,98.54", (6, 13), "E923", "千位分隔符的位置不对", "请改为：6998.54"),
    (DECL, BASIC, "    基本支出: 3110,76", (5, 15), "E923", "逗号用作了小数点", "请改为：3110.76"),
    (DECL, BASIC, "    基本支出: 3110、76", (5, 15), "E923", "顿号“、”用作了小数点", "请改为：3110.76"),
    (DECL, BASIC, "    基本支出: 3 110.76", (5, 12), "E923", "数字中有空格", "请改为：3110.76"),
    (DECL, BASIC, "    基本支出: ３１１０．７６", (5, 11), "E006", "全角字符", "请改为半角：3110.76"),
    (DECL, PROJECT, "    项目支出: 6，998.54", (6, 12), "E006", "全角字符", "请改为半角：6998.54"),
    (SELF, "          变动: 100.00", "          变动: −100.00", (56, 15), "E923", "负号写成了“−”", "-100.00"),
    (SELF, "        人数: 55", "        人数: 55人", (8, 15), "E006", "不要写单位“人”", "请改为：55"),
    (SELF, "        分值: 50", "        分值: 50%", (67, 15), "E006", "不要写单位“%”", "请改为：50"),
    # 年度: a year, whatever date form it was written in.
    (DECL, YEAR, "年度: 2024年", (2, 5), "E924", "四位数字的年份", "请改为：2024"),
    (DECL, YEAR, "年度: 2024-01-01", (2, 5), "E924", "四位数字的年份", "请改为：2024"),
    (DECL, YEAR, "年度: 2024/1/1", (2, 5), "E924", "四位数字的年份", "请改为：2024"),
    (DECL, YEAR, "年度: 二〇二四年", (2, 5), "E924", "四位数字的年份", "请改为：2024"),
    (DECL, YEAR, "年度: 24", (2, 5), "E924", "四位数字的年份", "请改为：2024"),
    # Percentages and fractions.
    (SELF, "        实际完成值: 95%", "        实际完成值: 0.95", (79, 16), "E925", "没有写 %", "是否应为“95%”？"),
    (SELF, "        占比: 69.23%", "        占比: 0.6923", (50, 13), "E925", "小数写法", "百分数应为：69.23%"),
    (SELF, "        档内得分比例: 90%", "        档内得分比例: 0.9", (74, 17), "E925", "小数写法", "百分数应为：90%"),
    (SELF, "        档内得分比例: 90%", "        档内得分比例: 百分之九十", (74, 17), "E922", "中文数字", "90%"),
    # Keys: by meaning, not only by spelling.
    (DECL, PROJECT, "    項目支出: 6998.54", (6, 5), "E002", "繁体字", "应为“项目支出”"),
    (DECL, "        年度指标值: 55人", "        指标值: 55人", (26, 9), "E002", "同义的说法", "应为“年度指标值”"),
    (SELF, "        实际完成值: 55人", "        完成值: 55人", (66, 9), "E002", "同义的说法", "应为“实际完成值”"),
    (DECL, "    拟投入的资金: 968.19", "    拟投入的资金（万元）: 968.19", (20, 5), "E002", "单位或说明不写在键中",
     "应为“拟投入的资金”"),
    (DECL, BASIC, "    基本 支出: 3110.76", (5, 5), "E002", "键中有空格", "应为“基本支出”"),
]


def findings_of(tmp_path: Path, name: str, text: str) -> list:
    root = write_tree(tmp_path, {"media/department.yaml": DEPARTMENT, f"media/2024/{name}": text})
    document = Loader().load_document(root / "media" / "2024" / name)
    return [f for f in document.findings if f.is_error]


@pytest.mark.parametrize(("name", "old", "new", "where", "code", "words", "fix"),
                         [pytest.param(*row, id=f"{row[4]}-{row[2].strip()[:16]}") for row in SLIPS])
def test_slip(tmp_path: Path, name: str, old: str, new: str, where: tuple[int, int], code: str,
              words: str, fix: str) -> None:
    text = edit(DECLARATION if name == DECL else SELF_EVALUATION, old, new)
    [finding] = findings_of(tmp_path, name, text)  # one slip, one finding
    assert (finding.position.line, finding.position.col, finding.code) == (*where, code), finding.format()
    assert words in finding.message and fix in finding.message, finding.message


def test_the_catalogue_is_long_enough_and_documented() -> None:
    assert len(SLIPS) >= 30
    catalogue = (Path(__file__).resolve().parent.parent / "docs" / "bad-input.md").read_text("utf-8")
    for code in {row[4] for row in SLIPS}:
        assert code in catalogue, code


def test_prose_that_looks_like_a_slip_is_left_alone(tmp_path: Path) -> None:
    """Full-width colons, missing spaces and odd indentation inside text are the author's words."""
    text = edit(SELF_EVALUATION, "    评价: 较好完成年度目标。",
                "    评价: |-\n      主要成效：一是完成目标；\n         二是:按时完成。\n      　　三是 监控到位")
    assert findings_of(tmp_path, SELF, text) == []
