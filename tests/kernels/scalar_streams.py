"""The slot-by-slot definition of a replicate's indices, callable from the tests.

The redraw functions are compiled for calls from kernels only (no Python entry point); these
small compiled functions call them.
"""

from numba import njit

from kernels._random import redraw_replicate_narrow, redraw_replicate_slots


@njit
def redraw_narrow(key, replicate, word_offset, n, threshold, row):
    """:func:`kernels._random.redraw_replicate_narrow` into ``row``."""
    redraw_replicate_narrow(key, replicate, word_offset, n, threshold, row)


@njit
def redraw_wide(key, replicate, word_offset, n, threshold, row):
    """:func:`kernels._random.redraw_replicate_slots` into ``row``."""
    redraw_replicate_slots(key, replicate, word_offset, n, threshold, row)
