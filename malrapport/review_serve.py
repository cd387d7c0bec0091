"""``malrapport review --serve``: the review page from a local server on 127.0.0.1 that
writes the decisions file itself, at every decision, so nothing needs downloading.

The server answers ``GET /`` with the page and ``POST /decisions`` with the page's
whole list of decisions: each entry is checked as ``extract --corrections`` checks it
(normalize/corrections.py), and the file is replaced atomically. It listens on the
loopback address only and runs until Ctrl-C.
"""
from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BODY_LIMIT = 16 * 2**20  # bytes of decisions a POST may carry


def serve(page: str, save: Path, port: int, say) -> None:
    """Serve ``page`` on 127.0.0.1:``port`` (0: a free port) until interrupted."""
    from malrapport.normalize.corrections import CorrectionsError, parse_entry

    body = page.encode("utf-8")
    save = Path(save).resolve()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # no line per request
            pass

        def _send(self, status: int, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, value) -> None:
            self._send(status, json.dumps(value, ensure_ascii=False).encode(), "application/json")

        def do_GET(self) -> None:
            if self.path.split("?")[0] in ("/", "/review.html"):
                self._send(200, body, "text/html; charset=utf-8")
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            if self.path != "/decisions":
                return self._json(404, {"error": "not found"})
            size = int(self.headers.get("Content-Length") or 0)
            if not 0 < size <= BODY_LIMIT:
                return self._json(413, {"error": f"a list of decisions of 1 to {BODY_LIMIT} bytes"})
            try:
                entries = json.loads(self.rfile.read(size))
                if not isinstance(entries, list):
                    raise CorrectionsError("the decisions are a JSON list")
                for i, entry in enumerate(entries, start=1):
                    try:
                        parse_entry(entry)
                    except CorrectionsError as e:
                        raise CorrectionsError(f"entry {i}: {e}") from None
            except (ValueError, CorrectionsError) as e:
                return self._json(400, {"error": str(e)})
            tmp = save.with_name(f".{save.name}.{os.getpid()}.tmp")
            try:
                tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n",
                               encoding="utf-8")
                os.replace(tmp, save)
            except OSError as e:
                tmp.unlink(missing_ok=True)
                return self._json(500, {"error": f"{save}: {e.strerror or e}"})
            self._json(200, {"saved": len(entries), "file": str(save)})

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    try:
        say(f"malrapport: review page at http://127.0.0.1:{server.server_address[1]}/ ; "
            f"every decision is written to {save}; Ctrl-C stops")
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
