"""clawback: find the assets debtors hide with relatives before a bankruptcy filing; prove it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clawback")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
