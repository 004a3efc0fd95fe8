"""Information processing fees (信息处理费), 国办函〔2020〕109号.

Two methods, one per application: by the number of applications the same applicant made in a
calendar month, or by the number of pages. Both are progressive: each band prices only the part
that falls in it.
"""

from decimal import Decimal

FREE_APPLICATIONS_PER_MONTH = 10
PAGE_BANDS = [(30, 100, Decimal(10)), (100, 200, Decimal(20)), (200, None, Decimal(40))]


def fee_by_count(nth):
    """The fee for the applicant's ``nth`` application of the month: 1–10 free, 11–30 ¥100, then
    +¥100 for every further band of 10 (31–40 ¥200, 41–50 ¥300, …)."""
    if nth <= FREE_APPLICATIONS_PER_MONTH:
        return Decimal(0)
    if nth <= 30:
        return Decimal(100)
    return Decimal(100 + 100 * ((nth - 31) // 10 + 1))


def fee_by_pages(pages):
    """≤30 pages free; pages 31–100 ¥10 each, 101–200 ¥20, from 201 ¥40."""
    total = Decimal(0)
    for low, high, price in PAGE_BANDS:
        upper = pages if high is None else min(pages, high)
        if upper > low:
            total += (upper - low) * price
    return total
