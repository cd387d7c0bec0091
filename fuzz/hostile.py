"""Broken and hostile input files, built from nothing or from a good report PDF.

Used by ``tests/test_bad_input.py`` (the batch corpus) and by ``fuzz_pdf.py``
(seeds). Every builder is deterministic and returns bytes. pypdf (a test
dependency) is imported only by the builders that need it.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib

# --- PDFs from scratch -----------------------------------------------------------

def build_pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF of the given object bodies (numbered from 1), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, root, trailer_extra, xref))
    return bytes(out)


def stream(content: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        content = zlib.compress(content)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_pdf(pages: list[list[str]], size: int = 10) -> bytes:
    """Pages of plain Helvetica text lines (Swedish letters allowed)."""
    n = len(pages)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>"
               % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)), n),
               _FONT]
    for i, lines in enumerate(pages):
        ops = [b"BT /F1 %d Tf 72 770 Td %d TL" % (size, int(size * 1.4))]
        ops += [_pdf_string(line) + b" Tj T*" for line in lines]
        ops.append(b"ET")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(stream(b"\n".join(ops), compress=True))
    return build_pdf(objects)


def many_pages_pdf(count: int) -> bytes:
    """``count`` pages sharing one small content stream: a small file, a huge page count."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               _FONT,
               stream(b"BT /F1 10 Tf 72 770 Td (Sida) Tj ET")]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"] * count
    return build_pdf(objects)


def huge_image_pdf(width: int, height: int, by_reference: bool = False) -> bytes:
    """One page drawing an image that claims ``width`` × ``height`` gray pixels.

    The stream holds only a little data: enough to prove the size is refused
    from the dictionary, before anything would try to decode the image. With
    ``by_reference`` the sizes stand in objects of their own (``/Width 6 0 R``).
    """
    size = (b"/Width 6 0 R /Height 7 0 R" if by_reference
            else b"/Width %d /Height %d" % (width, height))
    image = stream(b"\x00" * 4096, compress=True,
                   extra=b"/Type /XObject /Subtype /Image " + size
                         + b" /ColorSpace /DeviceGray /BitsPerComponent 8")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
               stream(b"q 500 0 0 700 50 70 cm /Im1 Do Q"),
               image]
    if by_reference:
        objects += [b"%d" % width, b"%d" % height]
    return build_pdf(objects)


def pattern_image_pdf(width: int, height: int) -> bytes:
    """A huge image hidden in a tiling pattern: no page object, decoded only when rendered."""
    image = stream(b"\x00" * 4096, compress=True,
                   extra=b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                         b"/ColorSpace /DeviceGray /BitsPerComponent 8" % (width, height))
    pattern = stream(b"q 100 0 0 100 0 0 cm /Im1 Do Q",
                     extra=b"/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 "
                           b"/BBox [0 0 100 100] /XStep 100 /YStep 100 "
                           b"/Resources << /XObject << /Im1 6 0 R >> >>")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Pattern << /P1 5 0 R >> >> /Contents 4 0 R >>",
               stream(b"/Pattern cs /P1 scn 0 0 595 842 re f"),
               pattern,
               image]
    return build_pdf(objects)


def stream_bomb_pdf(inflated: int) -> bytes:
    """One page whose content stream inflates to ``inflated`` bytes of spaces."""
    deflate = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(deflate.compress(chunk) for _ in range(inflated >> 20)) + deflate.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body
               + b"\nendstream"]
    return build_pdf(objects)


def no_pages_pdf() -> bytes:
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                      b"<< /Type /Pages /Kids [] /Count 0 >>"])


# --- other formats with a .pdf name ----------------------------------------------

def docx_bytes(text: str = "Målavstämning") -> bytes:
    """A minimal Word file; the same text gives the same bytes (fixed zip dates)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in (("[Content_Types].xml", "<Types/>"),
                           ("word/document.xml",
                            f"<w:document><w:body>{text}</w:body></w:document>")):
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def text_bytes() -> bytes:
    return "Målavstämning, tertial 1 2025\nKommunstyrelsen\n".encode("utf-8")


# --- damage to a good PDF --------------------------------------------------------

def truncate(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def flip_byte(data: bytes, offset: int, mask: int = 0x20) -> bytes:
    out = bytearray(data)
    out[offset] ^= mask
    return bytes(out)


def content_stream_offset(data: bytes, nth: int = 2) -> int:
    """An offset well inside the ``nth`` compressed stream of a PDF (a page's content)."""
    starts = [m.end() for m in re.finditer(rb">>\s*stream\r?\n", data)]
    start = starts[min(nth, len(starts) - 1)]
    end = data.index(b"endstream", start)
    return start + (end - start) // 2


def xref_offsets_wrong(data: bytes) -> bytes:
    """Every xref entry points to the wrong byte (same length, so startxref still holds)."""
    return re.sub(rb"\d{10} (\d{5}) n", lambda m: b"0000000099 " + m.group(1) + b" n", data)


def startxref_wrong(data: bytes) -> bytes:
    return re.sub(rb"startxref\s+\d+", b"startxref\n17", data)


def xref_missing(data: bytes) -> bytes:
    """The xref table cut out; trailer and startxref stay (now pointing past the end)."""
    start = data.rindex(b"\nxref") + 1
    end = data.index(b"trailer", start)
    return data[:start] + data[end:]


def uncompressed(data: bytes) -> bytes:
    """The PDF with its ASCII85+Flate streams (reportlab's) stored plain, xref rebuilt.

    A fuzzing seed: byte mutations then change words and positions instead of
    breaking compressed data.
    """
    import base64

    def plain(m: re.Match) -> bytes:
        head, body = m.group(1), m.group(2)
        if b"/ASCII85Decode /FlateDecode" not in head:
            return m.group(0)
        text = b"".join(body.split()).removesuffix(b"~>")
        content = zlib.decompress(base64.a85decode(text))
        head = re.sub(rb"/Filter \[[^\]]*\]\s*", b"", head)
        head = re.sub(rb"/Length \d+", b"/Length %d" % len(content), head)
        return head + b"stream\n" + content + b"\nendstream"

    body = re.sub(rb"(<<(?:(?!>>).)*>>\s*)stream\r?\n(.*?)\r?\n?endstream", plain, data, flags=re.S)
    objects = [m.group(2) for m in re.finditer(rb"(?m)^(\d+) 0 obj\n(.*?)\nendobj", body, flags=re.S)]
    root = int(re.search(rb"/Root (\d+) 0 R", data).group(1))
    return build_pdf(objects, root=root)


def encrypt(data: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner",
                   algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_script_and_attachment(data: bytes, payload: bytes) -> bytes:
    """The same report with JavaScript (an open action and a document script) and an embedded file."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_attachment("payload.txt", payload)
    script = "app.alert('malrapport must never run this'); this.exportDataObject({cName: 'payload.txt'});"
    action = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(script)}))
    root = writer.root_object
    root[NameObject("/OpenAction")] = action
    names = root["/Names"].get_object()
    names[NameObject("/JavaScript")] = writer._add_object(DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("malrapport"), action])}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def unknown_layout_pdf() -> bytes:
    """A readable PDF that is not a follow-up report: minutes of a meeting."""
    page = ["Protokoll", "Sammanträde med byggnadsnämnden 2024-03-12",
            "§ 12 Val av justerare", "Till justerare utses Anna Andersson.",
            "§ 13 Bygglov för förråd på fastigheten Åkern 3:14",
            "Nämnden beviljar bygglov enligt ansökan."]
    return text_pdf([page, page[2:]])


def corpus(good: bytes) -> dict[str, tuple[bytes, str | None]]:
    """Broken and hostile files made from a good report: name → (bytes, expected error kind).

    ``None`` means the file must extract like the good report (a repairable xref,
    a script and attachment that are never touched).
    """
    return {
        "empty.pdf": (b"", "empty"),
        "word-document.pdf": (docx_bytes(), "not_pdf"),
        "image.pdf": (png_bytes(), "not_pdf"),
        "notes.pdf": (text_bytes(), "not_pdf"),
        "flipped-header.pdf": (flip_byte(good, 1), "damaged"),
        "truncated-half.pdf": (truncate(good, 0.5), "truncated"),
        "truncated-tail.pdf": (good[:-4], "truncated"),
        "flipped-content.pdf": (flip_byte(good, content_stream_offset(good)), "damaged"),
        "garbage.pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "damaged"),
        "no-pages.pdf": (no_pages_pdf(), "damaged"),
        "encrypted.pdf": (encrypt(good, "hemligt"), "encrypted"),
        "thousands-of-pages.pdf": (many_pages_pdf(5000), "too_many_pages"),
        "image-bomb.pdf": (huge_image_pdf(100_000, 100_000), "image_too_large"),
        "image-bomb-sized-by-reference.pdf": (huge_image_pdf(100_000, 100_000, True),
                                              "image_too_large"),
        "image-bomb-in-a-pattern.pdf": (pattern_image_pdf(100_000, 100_000), "image_too_large"),
        "stream-bomb.pdf": (stream_bomb_pdf(300 << 20), "stream_too_large"),
        "minutes.pdf": (unknown_layout_pdf(), "unknown_layout"),
        "xref-offsets-wrong.pdf": (xref_offsets_wrong(good), None),
        "startxref-wrong.pdf": (startxref_wrong(good), None),
        "xref-missing.pdf": (xref_missing(good), None),
        "script-and-attachment.pdf": (with_script_and_attachment(good, PAYLOAD), None),
    }


# A marker carried by the embedded file: it must appear nowhere in the output.
PAYLOAD = b"EMBEDDED-PAYLOAD-7f3a9c never extract me"
