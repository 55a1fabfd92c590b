"""Keys, in one package: the key map (map.py, every binding of both apps as data), the keymap an
app runs with (keymap.py: the schema's keys and the annotator's keys.yaml over it), and docs/keys.md
generated from the map (doc.py: `python -m annotator.keys.doc`).

The map's names are re-exported here, so `from annotator import keys as key_map` and
`from annotator.keys import first_key` read the map. keymap.py is imported by its own name: it
reads the schema, which reads this package.
"""

from annotator.keys.map import *  # noqa: F403
