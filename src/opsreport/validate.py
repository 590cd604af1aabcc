"""Moved to opsreport.engine.content_warnings (temporary alias while the re-layering lands)."""
import importlib
import sys

sys.modules[__name__] = importlib.import_module("opsreport.engine.content_warnings")
