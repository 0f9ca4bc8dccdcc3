#!/usr/bin/env bash
# 准备 reportgen 的运行 / 测试环境（Debian 12）。
#
# 用法：scripts/setup.sh runtime|test
#   runtime  中文字体、HarfBuzz 字体子集库、Pango，以及 `pip install -e .`
#   test     runtime 的全部内容，外加 poppler-utils、LibreOffice Writer、
#            Chromium 与 chromium-driver，以及 `pip install -e '.[test]'`
#
# 脚本可重复执行：所需内容都已就绪时不做任何安装，通常在 1 秒内结束。
set -euo pipefail

usage() {
    echo "用法：$0 runtime|test" >&2
    exit 2
}

[[ $# -eq 1 ]] || usage
mode=$1

runtime_packages=(
    python3-venv
    fonts-noto-cjk
    fonts-noto-cjk-extra
    fonts-arphic-ukai
    libharfbuzz-subset0
    libpango-1.0-0
    libpangoft2-1.0-0
)
test_packages=(
    poppler-utils
    libreoffice-writer-nogui
    libreoffice-calc-nogui
    chromium
    chromium-driver
)

case $mode in
    runtime) packages=("${runtime_packages[@]}"); extras="" ;;
    test) packages=("${runtime_packages[@]}" "${test_packages[@]}"); extras="[test]" ;;
    *) usage ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# ---- Debian 软件包 ---------------------------------------------------------

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} > 0)); then
    if [[ $EUID -ne 0 ]]; then
        {
            echo "缺少以下 Debian 软件包：${missing[*]}"
            echo "当前不是 root 用户，无法自动安装。请先执行："
            echo
            echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
            echo
            echo "安装完成后重新运行本命令。"
        } >&2
        exit 1
    fi
    echo "正在安装缺少的 Debian 软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # 若其他 apt/dpkg 进程正在运行，最多等待 10 分钟获取锁。
    apt-get -o DPkg::Lock::Timeout=600 update
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

# ---- 字体替换规则 -----------------------------------------------------------
# The official font names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) mapped to installed fonts
# of the same kind, so that LibreOffice draws each level of a Word file in a font of its own.

fontconfig_rule=scripts/fontconfig/64-reportgen-gov-fonts.conf
fontconfig_target=/etc/fonts/conf.d/64-reportgen-gov-fonts.conf
if ! cmp -s "$fontconfig_rule" "$fontconfig_target"; then
    if [[ $EUID -eq 0 ]]; then
        install -m 644 "$fontconfig_rule" "$fontconfig_target"
        echo "已安装字体替换规则：$fontconfig_target"
    else
        echo "提示：以 root 身份执行 install -m 644 $fontconfig_rule $fontconfig_target，" \
             "LibreOffice 打开生成的 Word 文件时可按公文字体的类别显示。" >&2
    fi
fi

# ---- Python 虚拟环境 -------------------------------------------------------

# Debian's own Python is built with PGO and LTO: WeasyPrint lays out about 30% faster in it than
# in a plain build (such as pyenv's), so it is preferred when it is recent enough.
python=python3
if [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    python=/usr/bin/python3
fi

if [[ ! -x .venv/bin/python ]]; then
    echo "正在创建虚拟环境 .venv（$($python --version)）……"
    if ! "$python" -m venv .venv; then
        echo "创建虚拟环境失败。Debian 上可能需要先安装 python3-venv：" >&2
        echo "    apt-get install -y python3-venv" >&2
        exit 1
    fi
fi

stamp=.venv/.installed-$mode
up_to_date() {
    [[ -e $1 && ! pyproject.toml -nt $1 ]]
}

# 测试环境包含运行环境所需的全部 Python 包。
if up_to_date "$stamp" || { [[ $mode == runtime ]] && up_to_date .venv/.installed-test; }; then
    exit 0
fi

echo "正在安装 Python 依赖（pip install -e '.${extras}'），首次安装可能需要几分钟……"
.venv/bin/python -m pip install --quiet -e ".${extras}"
touch "$stamp"
echo "环境已就绪（${mode}）。"
