"""Moved to opsreport.io.schema (temporary alias while the re-layering lands)."""
import importlib
import sys

sys.modules[__name__] = importlib.import_module("opsreport.io.schema")
