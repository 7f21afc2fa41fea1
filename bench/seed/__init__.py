"""The benchmark data set, loaded with PostgreSQL COPY: deterministic for a given seed.

Scales follow the benchmark's brief: `municipal` is an Odense-sized municipality, `national`
all of Denmark. The matching part (postcodes, offers, volunteers, citizens' wishes) loads on
its own too, so a data set made before matching existed can be completed.

common.py holds what both loaders share; dataset.py and matching.py are the two loaders.
"""

from bench.seed.common import BENCH_PASSWORD, SCALES, Scale, bench_ids
from bench.seed.dataset import load_dataset
from bench.seed.matching import load_matching

__all__ = [
    "BENCH_PASSWORD",
    "SCALES",
    "Scale",
    "bench_ids",
    "load_dataset",
    "load_matching",
]
