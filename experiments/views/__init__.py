"""What figures share: ``style`` (size, fonts, scheme styles, bands, saving), the drop view's
``scene`` (a drop's geometry as drawn), ``maps`` (coastlines, cap map) and ``skyplot``.

No matplotlib backend is chosen on import: figures are drawn on explicit ``Figure`` objects or
through ``pyplot`` with whatever backend the caller has (the ``coopsat`` command selects Agg).
"""
