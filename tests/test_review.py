"""The review page in a real browser: headless Chromium loads it, a script edits a field
and confirms a row through the DevTools protocol, the page's download is the
corrections file, and a re-extraction with it changes exactly those fields (read back
with pandas and DuckDB). Also: a PDF that is missing or changed is said on the page."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import DIGITAL, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STEM = "ange-2025-t1"
BADLAYER = DIGITAL.parent / "badlayer"
DOCS = Path(__file__).resolve().parents[1] / "docs"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(Debian: apt-get install chromium)")


class Browser:
    """Headless Chromium driven over the DevTools protocol (websocket-client)."""

    def __init__(self, url: str, downloads: Path):
        import websocket

        self.profile = tempfile.mkdtemp()
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--user-data-dir={self.profile}", "--window-size=1400,1600", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            port = int(m.group(1)) if m else None
            if not line and self.proc.poll() is not None:
                break
        assert port, "chromium did not start its DevTools server"
        threading_drain(self.proc.stderr)
        for _ in range(100):
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            pages = [t for t in targets if t["type"] == "page"]
            if pages:
                break
            time.sleep(0.1)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"],
                                              suppress_origin=True, timeout=60)
        self.ids = 0
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Browser.setDownloadBehavior", behavior="allow",
                  downloadPath=str(downloads), eventsEnabled=True)
        self.wait_loaded()

    def call(self, method: str, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("method") == "Runtime.exceptionThrown":
                raise AssertionError(f"script error on the page: {message['params']}")
            if message.get("id") == self.ids:
                assert "error" not in message, message
                return message["result"]

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_loaded(self) -> None:
        for _ in range(200):
            if self.js("document.readyState") == "complete" and self.js(
                    "typeof window.malrapportDecisions") == "function":
                return
            time.sleep(0.05)
        raise AssertionError("the page did not load")

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def threading_drain(stream) -> None:
    """Read Chromium's stderr away, so that its logging never blocks it."""
    import threading

    threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()


def extract(workdir: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return run_cli("extract", f"{STEM}.pdf", "-o", out, "--ocr", "never", "--workers", "1",
                   "--quiet", *more, cwd=workdir, ok=(0, 3))


@pytest.fixture()
def reviewed(tmp_path):
    """A report extracted from a folder (source_file relative to it), and its page."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(DIGITAL / f"{STEM}.pdf", work / f"{STEM}.pdf")
    out = work / "out"
    extract(work, out)
    html = tmp_path / "review.html"
    run_cli("review", out, "-o", html, "--top", "0", cwd=work)
    return work, out, html


def _set(browser: Browser, selector: str, field: str, value: str) -> None:
    """Type a value into a field of the item that ``selector`` finds, as a person would
    (the value, then a change event)."""
    browser.js(f"""(() => {{
        const el = document.querySelector({json.dumps(selector)}).querySelector('[data-field="{field}"]');
        el.value = {json.dumps(value)};
        el.dispatchEvent(new Event("change", {{bubbles: true}}));
    }})()""")


def _item(table: str, goal: int, activity: int | None = None) -> str:
    """A CSS selector of a row item by its identity."""
    rows = f'.item.row[data-kind="{"goal" if table == "goals" else "activity"}"]'
    return (f'{rows}[data-identity*=\'"goal_ordinal": {goal},\']'
            + (f'[data-identity*=\'"activity_ordinal": {activity},\']' if activity else ""))


@needs_chromium
def test_edits_and_a_confirmation_in_the_page_change_exactly_those_fields(reviewed, tmp_path):
    work, out, html = reviewed
    before = {t: pd.read_parquet(out / t) for t in ("goals", "activities")}
    goal = before["goals"].set_index("ordinal").loc[3]
    act = before["activities"].set_index(["goal_ordinal", "ordinal"]).loc[(2, 2)]
    confirmed = before["activities"].set_index(["goal_ordinal", "ordinal"]).loc[(2, 1)]
    # the values read, to be changed (checked by hand against the PDF's page 3)
    assert goal["assessment"] == "uppfyllt" and act["status"] == "ej_paborjad"
    assert act["end_date"].isoformat() == "2025-10-31"

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser = Browser(html.resolve().as_uri(), downloads)
    try:
        assert browser.js("document.querySelectorAll('.item.row').length") == \
            len(before["goals"]) + len(before["activities"])
        assert browser.js("document.querySelectorAll('.crop img').length") > 0
        _set(browser, _item("goals", 3), "assessment", "delvis_uppfyllt")
        _set(browser, _item("activities", 2, 2), "status", "pagaende_med_avvikelse")
        _set(browser, _item("activities", 2, 2), "end_date", "2025-11-30")
        browser.js(f"document.querySelector({json.dumps(_item('activities', 2, 1))})"
                   ".querySelector('button.confirm').click()")
        # a field changed and changed back is no decision
        _set(browser, _item("goals", 1), "title", "Något annat")
        _set(browser, _item("goals", 1), "title", before["goals"].set_index("ordinal").loc[1, "title"])
        # a title emptied is no decision either (a correction cannot empty it): it comes back
        _set(browser, _item("goals", 2), "title", "  ")
        assert browser.js(f"document.querySelector({json.dumps(_item('goals', 2))})"
                          ".querySelector('[data-field=title]').value") == \
            before["goals"].set_index("ordinal").loc[2, "title"]
        decisions = browser.js("malrapportDecisions()")
        assert browser.js("document.getElementById('count').textContent") == "4 beslut"
        # a reload keeps them (localStorage), and shows them in the controls
        browser.call("Page.reload")
        time.sleep(0.3)
        browser.wait_loaded()
        assert browser.js("malrapportDecisions()") == decisions
        assert browser.js(f"document.querySelector({json.dumps(_item('goals', 3))})"
                          ".querySelector('[data-field=assessment]').value") == "delvis_uppfyllt"
        # the download link gives the same list as a file
        browser.js("document.getElementById('download').click()")
        saved = downloads / "corrections.json"
        for _ in range(100):
            if saved.is_file() and saved.stat().st_size:
                break
            time.sleep(0.1)
        assert json.loads(saved.read_text(encoding="utf-8")) == decisions
        png = browser.call("Page.captureScreenshot", format="png")
    finally:
        browser.close()
    assert {(d["table"], d.get("field") or d.get("action")) for d in decisions} == {
        ("goals", "assessment"), ("activities", "status"), ("activities", "end_date"),
        ("activities", "confirm")}
    assert png["data"]

    proc = extract(work, out, "--corrections", str(saved))
    assert "1 done" in proc.stderr, proc.stderr  # the corrections changed: read again
    after = {t: pd.read_parquet(out / t) for t in ("goals", "activities")}
    changed = _differences(before, after)
    assert changed == {
        ("goals", (3,), "assessment"): ("uppfyllt", "delvis_uppfyllt"),
        ("goals", (3,), "source"): ("text", "review"),
        ("activities", (2, 2), "status"): ("ej_paborjad", "pagaende_med_avvikelse"),
        ("activities", (2, 2), "end_date"): ("2025-10-31", "2025-11-30"),
        ("activities", (2, 2), "source"): ("text", "review"),
        ("activities", (2, 1), "source"): ("text", "review"),
    } | ({("activities", (2, 1), "confidence"): (confirmed["confidence"], 1.0)}
         if confirmed["confidence"] != 1.0 else {}) \
      | ({("activities", (2, 1), "reasons"): (list(confirmed["reasons"]), [])}
         if len(confirmed["reasons"]) else {})
    # DuckDB reads the same corrected rows
    rows = duckdb.sql(f"""select goal_ordinal, ordinal, status, end_date, source
                          from '{out}/activities/*.parquet' where source = 'review'
                          order by goal_ordinal, ordinal""").fetchall()
    assert [(r[0], r[1], r[2], str(r[3]), r[4]) for r in rows] == [
        (2, 1, confirmed["status"], confirmed["end_date"].isoformat(), "review"),
        (2, 2, "pagaende_med_avvikelse", "2025-11-30", "review")]
    assert duckdb.sql(f"select count(*) from '{out}/warnings/*.parquet'").fetchall()[0][0] == 0


def _differences(before: dict, after: dict) -> dict:
    """(table, row identity, column) → (before, after) for every value that differs."""
    out = {}
    keys = {"goals": ["ordinal"], "activities": ["goal_ordinal", "ordinal"]}
    for table, key in keys.items():
        b, a = before[table].set_index(key).sort_index(), after[table].set_index(key).sort_index()
        assert list(b.index) == list(a.index)
        for idx in b.index:
            for col in b.columns:
                x, y = _plain(b.loc[idx, col]), _plain(a.loc[idx, col])
                if x != y:
                    out[(table, idx if isinstance(idx, tuple) else (idx,), col)] = (x, y)
    return out


def _plain(v):
    if hasattr(v, "tolist"):
        v = v.tolist()
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def test_a_missing_pdf_is_a_note_on_the_page_not_a_failure(reviewed, tmp_path):
    work, out, _ = reviewed
    html = tmp_path / "elsewhere.html"
    proc = run_cli("review", out, "-o", html, cwd=tmp_path)  # source_file is relative to work/
    assert "1 PDFs not found or changed" in proc.stderr
    page = html.read_text(encoding="utf-8")
    assert f"the PDF {STEM}.pdf is not found" in page and "--pdf-root" in page
    assert "data:image/" not in page
    assert len(re.findall(r'class="item row', page)) == 10  # the default --top
    # --pdf-root finds it
    run_cli("review", out, "-o", html, "--pdf-root", work, cwd=tmp_path)
    page = html.read_text(encoding="utf-8")
    assert "pdf-note" not in page and page.count("data:image/") >= 10


def test_a_changed_pdf_is_said_to_be_changed(reviewed, tmp_path):
    work, out, _ = reviewed
    pdf = work / f"{STEM}.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended\n")
    html = tmp_path / "changed.html"
    run_cli("review", out, "-o", html, cwd=work)
    page = html.read_text(encoding="utf-8")
    assert "is not the file that was read: its SHA-256 differs" in page
    assert "data:image/" not in page


def test_the_page_is_self_contained_and_shows_the_least_confident_first(reviewed):
    _, out, html = reviewed
    page = html.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched
    assert "<link" not in page and "@import" not in page
    confidences = [float(c) for c in re.findall(r"säkerhet <b>([0-9.]+)</b>", page)]
    assert confidences == sorted(confidences)
    assert len(confidences) == len(pd.read_parquet(out / "goals")) + len(
        pd.read_parquet(out / "activities"))
    # every image is a small WebP or JPEG
    images = re.findall(r'src="data:image/(?:webp|jpeg);base64,([A-Za-z0-9+/=]+)"', page)
    assert images and max(len(i) for i in images) * 3 / 4 < 150_000


@needs_chromium
def test_screenshot_for_the_readme(tmp_path):
    """The page as an analyst sees it: a report whose text layer lost its diacritics
    (samples/pdf/badlayer), its least sure rows with their reasons, a row confirmed.
    With MALRAPPORT_WRITE_DOCS=1 it is written to docs/review.png for the README."""
    import base64

    work = tmp_path / "work"
    (work / "badlayer").mkdir(parents=True)
    shutil.copy(BADLAYER / f"{STEM}.pdf", work / "badlayer" / f"{STEM}.pdf")
    out = work / "out"
    run_cli("extract", "badlayer", "-o", out, "--ocr", "never", "--workers", "1", "--quiet",
            cwd=work, ok=(0, 3))
    html = tmp_path / "shot.html"
    run_cli("review", "out", "-o", html, "--top", "4", cwd=work)
    page = html.read_text(encoding="utf-8")
    assert "pdf-note" not in page and "<code>repaired</code>" in page
    browser = Browser(html.resolve().as_uri(), tmp_path)
    try:
        browser.call("Emulation.setDeviceMetricsOverride", width=1400, height=1150,
                     deviceScaleFactor=1, mobile=False)
        browser.js("document.querySelector('.item.row').scrollIntoView(); window.scrollBy(0, -170)")
        browser.js("document.querySelector('.item.row button.confirm').click()")
        assert len(browser.js("malrapportDecisions()")) == 1
        png = browser.call("Page.captureScreenshot", format="png")
    finally:
        browser.close()
    data = base64.b64decode(png["data"])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    (tmp_path / "review.png").write_bytes(data)
    if os.environ.get("MALRAPPORT_WRITE_DOCS") == "1":  # to renew the README's picture
        (DOCS / "review.png").write_bytes(data)


@needs_chromium
def test_serve_writes_every_decision_and_a_later_page_starts_from_them(reviewed, tmp_path):
    import signal

    work, out, _ = reviewed
    save = tmp_path / "decisions.json"
    server = subprocess.Popen(
        [sys.executable, "-m", "malrapport.cli", "review", str(out), "-o", str(tmp_path / "s.html"),
         "--serve", "--port", "0", "--save", str(save), "--top", "0"],
        cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for _ in range(50):
            line = server.stderr.readline()
            m = re.search(r"review page at (http://127\.0\.0\.1:\d+/)", line)
            if m:
                url = m.group(1)
                break
        assert url, "the server did not say where it listens"
        threading_drain(server.stderr)
        browser = Browser(url, tmp_path)
        try:
            _set(browser, _item("goals", 3), "comment", "Sparad av servern.")
            browser.js(f"document.querySelector({json.dumps(_item('goals', 4))})"
                       ".querySelector('button.confirm').click()")
            browser.js("window.malrapportSaving")  # awaits the last POST
            decisions = browser.js("malrapportDecisions()")
            assert browser.js("document.getElementById('saved').dataset.saved") == "2"
        finally:
            browser.close()
        assert json.loads(save.read_text(encoding="utf-8")) == decisions
        # what the server takes is checked as --corrections checks it
        bad = json.dumps([{**decisions[0], "field": "colour"}]).encode()
        request = urllib.request.Request(url + "decisions", data=bad, method="POST")
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(request)
        assert e.value.code == 400 and "unknown field 'colour'" in e.value.read().decode()
        assert json.loads(save.read_text(encoding="utf-8")) == decisions
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(20) == 0

    # a page made with those decisions starts from them (and its download keeps them)
    html = tmp_path / "again.html"
    run_cli("review", out, "-o", html, "--corrections", save, "--top", "0", cwd=work)
    browser = Browser(html.resolve().as_uri(), tmp_path)
    try:
        assert browser.js("malrapportDecisions()") == decisions
        assert browser.js(f"document.querySelector({json.dumps(_item('goals', 3))})"
                          ".querySelector('[data-field=comment]').value") == "Sparad av servern."
        assert "Bekräftad" in browser.js(f"document.querySelector({json.dumps(_item('goals', 4))})"
                                         ".textContent")
    finally:
        browser.close()
