"""Mention monitoring and crisis alerts for New Baby Network CIC.

Data flows one way: config -> collect (``monitor.sources``) -> analyse ->
store -> rules -> notify. The CLI in ``monitor.cli`` is a thin layer over
the library functions in ``monitor.pipeline`` and ``monitor.store``.
"""

__version__ = "0.1.0"


class collector_paused:
    """``with collector_paused():`` the cyclic garbage collector is off inside and back on after, unless it was
    already off (round 26: while the CLI's modules are imported and while a config is read, everything built lives
    as long as the process or is freed by reference counting, and the collector's passes over it were wasted: 4-6 ms
    of `monitor check` on 1,000 sources). One place for what had been written out three times."""

    def __enter__(self):
        import gc

        self._was_on = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *_exc) -> bool:
        import gc

        if self._was_on:
            gc.enable()
        return False
