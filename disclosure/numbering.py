"""索引号 (index numbers): rendered from the agency's pattern."""


def render_index_number(pattern, *, code, year, seq):
    return pattern.format(code=code, year=year, seq=seq)
