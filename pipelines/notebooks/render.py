"""Plotly in the notebooks, and the notebooks as offline HTML.

A figure is displayed with two representations in one output: Plotly's own JSON (JupyterLab
draws it interactively with the bundled jupyterlab-plotly extension) and a bare ``<div>``
with the ``Plotly.newPlot`` call (what nbconvert puts in the HTML). Neither carries
plotly.js: the pages of a reports folder load it from one local file beside them
(``plotly-<version>.min.js``), so they work offline and eight notebook pages a county do not
each carry a 4.8 MB library. Plotly's own
``notebook`` renderer is not used because every figure it draws also loads MathJax from a
CDN, which an offline page cannot do.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import plotly
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer
from plotly.offline import get_plotlyjs

from pipelines.atomic import write_text

if TYPE_CHECKING:
    import nbformat

RENDERER = "gongkai_html"
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "gongkai"
PLOTLY_LOCALE = "zh-CN"
FIGURE_CONFIG = {"displaylogo": False, "locale": PLOTLY_LOCALE, "responsive": True}

# Plotly.js ships its locales separately; these are the strings a reader of the page meets
# (mode-bar buttons, double-click hint) and the date words of date axes.
ZH_LOCALE_JS = """
Plotly.register({moduleType: 'locale', name: 'zh-CN', dictionary: {
  'Autoscale': '自动缩放', 'Box Select': '矩形框选', 'Click to enter Colorscale title': '点击输入色阶标题',
  'Compare data on hover': '悬停时比较数据', 'Double-click to zoom back out': '双击返回缩放',
  'Download plot as a png': '下载图表为 PNG 格式', 'Download plot': '下载图表',
  'Edit in Chart Studio': '在 Chart Studio 中编辑', 'Lasso Select': '套索选择',
  'Orbital rotation': '轨道旋转', 'Pan': '平移', 'Produced with Plotly.js': '由 Plotly.js 生成',
  'Reset': '重置', 'Reset axes': '重置轴', 'Reset camera to default': '重置镜头',
  'Reset camera to last save': '恢复上次保存的镜头', 'Reset view': '重置视图', 'Reset views': '重置视图',
  'Show closest data on hover': '悬停时显示最近的数据', 'Snapshot succeeded': '快照成功',
  'Sorry, there was a problem downloading your snapshot!': '抱歉，下载快照时出现问题！',
  'Taking snapshot - this may take a few seconds': '正在生成快照，请稍候',
  'Toggle Spike Lines': '切换辅助线', 'Toggle show closest data on hover': '切换悬停时显示最近的数据',
  'Turntable rotation': '转台旋转', 'Zoom': '缩放', 'Zoom in': '放大', 'Zoom out': '缩小',
  'trace': '数据系列'
}, format: {
  days: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  shortDays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  months: ['一月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月',
           '十一月', '十二月'],
  shortMonths: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  date: '%Y-%m-%d', decimal: '.', thousands: ','
}});
"""


class OfflineHtmlRenderer(MimetypeRenderer):
    """``text/html`` of a figure without plotly.js or MathJax (the page provides plotly.js)."""

    def to_mimebundle(self, fig_dict):
        html = pio.to_html(fig_dict, config=FIGURE_CONFIG, include_plotlyjs=False, include_mathjax=False,
                           full_html=False, default_width="100%", default_height=480, validate=False)
        return {"text/html": html}


def use_offline_renderer() -> None:
    """Make every figure shown carry Plotly's JSON (JupyterLab) and a bare HTML div (nbconvert)."""
    pio.renderers[RENDERER] = OfflineHtmlRenderer()
    pio.renderers.default = f"plotly_mimetype+{RENDERER}"


def plotly_file(folder: Path) -> Path:
    """plotly.js as one file in ``folder`` (written once per Plotly version), for the notebook
    pages beside it to share instead of each inlining 4.8 MB."""
    path = folder / f"plotly-{plotly.__version__}.min.js"
    if not path.exists():
        write_text(path, get_plotlyjs())
    return path


@functools.cache
def _exporter():
    # One per process: a new exporter compiled its Jinja templates again (~0.3 s a page).
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="zh",
    )
    # The parameter cells have no output; removing them keeps empty boxes out of the page.
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"}), enabled=True)
    return exporter


def notebook_html(nb: nbformat.NotebookNode, title: str, plotly_src: str | None = None) -> str:
    """An executed notebook as one offline HTML page: outputs only; plotly.js from the local file
    ``plotly_src`` (a path relative to the page), or inlined when there is none."""
    body, _ = _exporter().from_notebook_node(nb, resources={
        "metadata": {"name": title},
        "gongkai": {"plotly_js": None if plotly_src else get_plotlyjs(), "plotly_src": plotly_src,
                    "locale_js": ZH_LOCALE_JS},
    })
    return body
