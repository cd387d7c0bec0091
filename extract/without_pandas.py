"""pyarrow without pandas in malrapport's own extract processes.

pyarrow imports pandas the first time it builds an array from Python values,
to check whether they are pandas objects: 50 MB of memory and about a second of
start-up in every process (the CLI's main process and each worker), for
nothing: malrapport reads and writes Parquet with pyarrow alone.
``block_pandas`` makes ``import pandas`` fail in the process it is called in,
which pyarrow takes as "pandas is not installed". It is called by the CLI's
``extract`` and in the local pool's workers, never in a process of someone
else's (a library caller's, a Dask worker), and does nothing where pandas is
already imported.
"""
from __future__ import annotations

import sys


class _NoPandas:
    """A meta path finder that refuses pandas."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (not imported by malrapport "
                                      f"extract: pyarrow needs no pandas)", name=name)


def block_pandas() -> None:
    if "pandas" in sys.modules or any(isinstance(f, _NoPandas) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _NoPandas())
