"""Registers the plain-Python interval arithmetic with numba, for the compiled kernels.

:mod:`kernels._normal` and :mod:`kernels._grid` are plain Python, so that the first exact
interval of a fresh process and the interval arithmetic after a Monte Carlo run need no
compilation (and no numba import). The compiled kernels that call the same functions import
this module first: ``register_jitable`` lets numba compile each function where a kernel
calls it, from the same source, so Python and numba give the same bits.
"""

from numba.extending import register_jitable

from . import _grid, _normal

for _function in (
    _normal.normal_cdf,
    _normal.normal_quantile,
    _normal.bca_adjusted_z,
    _grid.grid_quantile,
    _grid.bias_correction,
    _grid.grid_interval,
    _grid.count_quantile,
    _grid.rank_of_quantile,
):
    register_jitable(_function)
