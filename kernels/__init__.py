"""Numba resampling kernels."""
