"""Moved to opsreport.io.files (temporary alias while the re-layering lands)."""
import importlib
import sys

sys.modules[__name__] = importlib.import_module("opsreport.io.files")
