#!/usr/bin/env bash
# System packages: a Chromium for kaleido's PNG charts and the UI test, CJK fonts so Chinese
# renders (without them the charts show empty boxes), a PostgreSQL server for the test of
# the PostgreSQL instance storage (deploy/dagster-postgres.yaml), and LibreOffice Calc
# (headless, no GUI) for the tests that read files as real office suites write them
# (.xls, .ods, re-saved .xlsx, GB18030 CSV; tests/test_office_files.py).
#
# The tests look these up in one place, tests/system.py (the browser through the pack's own
# lookup, so the same names as have_browser below and BROWSER_PATH): a test whose package is
# still missing fails naming it when CI=true, and skips (shown in pytest's summary) elsewhere.
#
# Idempotent: does nothing when all are present. As root on a system with apt-get it
# installs them (measured on Debian 12: about 40-75 s including apt-get update, plus about
# a minute for LibreOffice); otherwise it says in Chinese what to install and exits 0, since
# the pack still writes everything else without a browser. A failed apt-get is reported
# with its exit status.
set -euo pipefail

have_browser() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || command -v google-chrome >/dev/null 2>&1 || command -v google-chrome-stable >/dev/null 2>&1 \
        || { [ -n "${BROWSER_PATH:-}" ] && [ -x "${BROWSER_PATH}" ]; }
}

have_cjk_fonts() {
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]
}

have_postgres() {
    command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

have_libreoffice() {
    command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1
}

if have_browser && have_cjk_fonts && have_postgres && have_libreoffice; then
    echo "系统依赖已就绪：已找到 Chromium/Chrome 浏览器、中文字体、PostgreSQL 和 LibreOffice。"
    exit 0
fi

missing=()
have_browser || missing+=("Chromium 浏览器")
have_cjk_fonts || missing+=("中文字体（Noto CJK）")
have_postgres || missing+=("PostgreSQL（仅测试 PostgreSQL 存储时需要）")
have_libreoffice || missing+=("LibreOffice Calc（仅测试 .xls/.ods 等办公软件文件时需要）")

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "缺少系统依赖：${missing[*]}。领导材料包的其余文件照常生成，但不会生成 PNG 图表。"
    echo "请由管理员安装："
    echo "  Debian/Ubuntu： sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk postgresql libreoffice-calc-nogui"
    echo "                 （Ubuntu 上浏览器包名可能是 chromium-browser）"
    echo "  其他系统：      安装 Chromium 或 Google Chrome，以及 Noto Sans CJK SC（思源黑体）字体；"
    echo "                 浏览器不在 PATH 上时，用环境变量 BROWSER_PATH 指明其位置；"
    echo "                 测试办公软件文件还需要 LibreOffice（命令 soffice 在 PATH 上）。"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "正在安装：${missing[*]}（apt-get）……"
apt-get update
packages=()
if ! have_browser; then
    # Debian names it chromium; older Ubuntu releases chromium-browser.
    if apt-cache show chromium >/dev/null 2>&1; then
        packages+=(chromium)
    else
        packages+=(chromium-browser)
    fi
fi
have_cjk_fonts || packages+=(fonts-noto-cjk)
have_postgres || packages+=(postgresql)
# Calc without the GUI libraries: enough for soffice --headless --convert-to.
have_libreoffice || packages+=(libreoffice-calc-nogui)
apt-get install -y "${packages[@]}"

if have_browser && have_cjk_fonts && have_postgres && have_libreoffice; then
    echo "系统依赖安装完成：${packages[*]}。"
else
    echo "已安装 ${packages[*]}，但仍未找到浏览器、中文字体、PostgreSQL 或 LibreOffice，请检查安装结果。" >&2
    exit 1
fi
