"""Demo data of the catalog: the reference agency's channels and items (``demo_catalog``)."""

from disclosure import demo_catalog


def seed(ctx):
    demo_catalog.seed(ctx)
