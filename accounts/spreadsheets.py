"""Exports that a spreadsheet opens: no cell may start a formula (CSV/formula injection).

Every CSV or XLSX export writes its rows through ``writer`` (or ``safe_cell``): an applicant who
types ``=cmd|'X'!A0`` as a document number, or an attacker who tries it as a login name, gets a
harmless text cell in the office's Excel, not a formula.
"""

import csv
from decimal import Decimal

# What Excel, WPS and LibreOffice read as the start of a formula (tab and CR as well: some
# programs drop leading whitespace before looking).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write: text that would start a formula gets a leading apostrophe.

    Numbers stay numbers (a negative figure is not an injection and must stay summable).
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(stream, **options):
    return SafeWriter(stream, **options)
