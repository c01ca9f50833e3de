"""主动公开信息台账: the website CMS export of 2018, one row per item per channel.

Two CSV exports (first half in UTF-8 with BOM, second half in GB18030 that repeats the last
~100 rows of the first export exactly) and a small 政务微博 channel workbook.

``items`` draws single items, ``categories`` the year's items category by category,
``defects`` the planted bad rows, ``export`` the CMS numbering and the files, ``expected``
what the manifest expects.
"""

from pipelines.demo.disclosures.export import write_disclosures

__all__ = ["write_disclosures"]
