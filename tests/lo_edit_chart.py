"""Edit a native chart's data in LibreOffice, as a user's "Edit Data" does (run by
tests/test_word_charts.py with a Python that has LibreOffice's ``uno`` module).

    python3 tests/lo_edit_chart.py DOCX TITLE PDF PROFILE_DIR

Opens DOCX in a headless LibreOffice, finds the chart whose title starts with TITLE,
prints its data table (the figures "Edit Data" shows) as JSON, doubles the first
category's last series through the chart's own data interface, prints the table again
and exports the document as PDF: the chart is redrawn from the edited data.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def main(docx: str, title: str, pdf: str, profile: str) -> None:
    pipe = f"opsreport{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        for _ in range(120):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        url = uno.systemPathToFileUrl(os.path.abspath(docx))
        document = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
        objects = document.getEmbeddedObjects()
        chart = None
        for name in objects.getElementNames():
            model = objects.getByName(name).getEmbeddedObject()
            heading = model.getTitleObject() if hasattr(model, "getTitleObject") else None
            text = "".join(part.getString() for part in heading.getText()) if heading else ""
            if text.startswith(title):
                chart = model
                break
        if chart is None:
            raise SystemExit(f"no chart titled {title!r}")
        table = chart.getData()
        rows = [list(row) for row in table.getData()]
        print(json.dumps({"categories": list(table.getRowDescriptions()),
                          "series": list(table.getColumnDescriptions()), "before": rows}))  # fmt: skip
        rows[0][-1] = rows[0][-1] * 2
        table.setData(tuple(tuple(row) for row in rows))
        print(json.dumps({"after": [list(row) for row in chart.getData().getData()]}))
        out = uno.systemPathToFileUrl(os.path.abspath(pdf))
        document.storeToURL(out, (_prop("FilterName", "writer_pdf_Export"),))
        document.close(True)
    finally:
        if desktop is not None:
            with contextlib.suppress(Exception):  # already gone with the connection
                desktop.terminate()
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:5])
