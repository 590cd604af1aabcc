"""Moved to opsreport.app.batch (temporary alias while the re-layering lands)."""
import importlib
import sys

sys.modules[__name__] = importlib.import_module("opsreport.app.batch")
