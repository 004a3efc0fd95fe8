"""Log filters for the console."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403) is logged as one line, without the traceback of its exception.

    A refusal is the site working as intended: the member sees a page saying why and what to do,
    and the development console should not look as if something had crashed.
    """

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
