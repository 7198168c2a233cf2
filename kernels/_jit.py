"""How the compiled kernels are built, and the plain-Python interval arithmetic they share.

Two decorators compile every numba function of the package:

- :func:`kernel` for a function called from Python;
- :func:`nested` for a function that only other compiled functions call. It is compiled
  without a Python entry point: the code that converts Python arguments is compiled with
  every entry point, on every cold start, and it is most of the compile time of a small
  function. Calling it from Python raises :class:`TypeError` (numba would call a null
  entry point).

Neither gets a C-callable wrapper (``no_cfunc_wrapper``): nothing takes a kernel's address,
and the wrapper, too, would be compiled on every cold start.

:mod:`kernels._normal` and :mod:`kernels._grid` are plain Python, so that the first exact
interval of a fresh process and the interval arithmetic after a Monte Carlo run need no
compilation (and no numba import). The compiled kernels that call the same functions import
this module first: ``register_jitable`` lets numba compile each function where a kernel
calls it, from the same source, so Python and numba give the same bits.
"""

from numba import config, njit, types
from numba.core import cgutils
from numba.core.registry import CPUDispatcher
from numba.extending import intrinsic, register_jitable

from . import _grid, _normal

_OPTIONS = {"nogil": True, "no_cfunc_wrapper": True}


def kernel(function):
    """Compile ``function`` (cached) as a kernel called from Python."""
    return njit(cache=True, **_OPTIONS)(function)


class _NestedDispatcher(CPUDispatcher):
    """The dispatcher of a :func:`nested` function: compiled, and callable from kernels."""

    def __call__(self, *args, **kwargs):
        raise TypeError(
            f"kernels: {self.py_func.__module__}.{self.py_func.__qualname__} is compiled "
            "without a Python entry point; it is called from compiled kernels only"
        )


def nested(function):
    """Compile ``function`` (cached) for calls from other compiled functions only."""
    if config.DISABLE_JIT:
        return function
    dispatcher = _NestedDispatcher(
        py_func=function, locals={}, targetoptions={**_OPTIONS, "no_cpython_wrapper": True}
    )
    dispatcher.enable_caching()
    return dispatcher


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


@intrinsic
def fetch_add(typingctx, counter, amount):
    """``counter[0] += amount`` as one atomic operation; returns the value before. The
    threads that run one kernel call on a shared range take their chunks of it this way
    (numba has no atomic operations of its own on the CPU)."""
    if not (isinstance(counter, types.Array) and counter.dtype == types.int64):
        return None
    signature = types.int64(counter, types.int64)

    def codegen(context, builder, signature, arguments):
        array_type = signature.args[0]
        array = context.make_array(array_type)(context, builder, arguments[0])
        zero = context.get_constant(types.intp, 0)
        pointer = cgutils.get_item_pointer(context, builder, array_type, array, [zero])
        return builder.atomic_rmw("add", pointer, arguments[1], "monotonic")

    return signature, codegen
