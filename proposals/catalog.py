"""The link between a published reply and the catalog (公开目录). Filled in once the catalog exists."""


def publish(*, proposal, by):
    return None
