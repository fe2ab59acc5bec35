"""Mention monitoring and crisis alerts for New Baby Network CIC.

Data flows one way: config -> collect (``monitor.sources``) -> analyse ->
store -> rules -> notify. The CLI in ``monitor.cli`` is a thin layer over
the library functions in ``monitor.pipeline`` and ``monitor.store``.
"""

__version__ = "0.1.0"
