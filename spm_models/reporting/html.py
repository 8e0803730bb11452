"""Render executed notebooks as self-contained HTML pages for readers who do not code.

The renderer keeps markdown, tables and charts, drops code and logs, embeds images with alt
text and loads nothing from the network, so a page opens offline and on a phone.

No page can run script, whatever names the data holds: raw HTML in markdown is escaped, every
page body passes :func:`sanitize_html` (a whitelist of tags and attributes; anything else is
shown as text), SVG charts are embedded as images, and every page carries a Content Security
Policy that forbids script, remote loads and plugins (:data:`CONTENT_SECURITY_POLICY`).
"""

from __future__ import annotations

import html
import re
from base64 import b64encode
from html.parser import HTMLParser
from pathlib import Path

import mistune
import nbformat

#: No script of any kind, nothing from the network; images only inline, inline styles allowed.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

# fmt: off
_PLAIN_TAGS = (
    "table", "thead", "tbody", "tfoot", "tr", "caption", "colgroup", "h1", "h2", "h3", "h4",
    "h5", "h6", "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "kbd",
    "samp", "sub", "sup", "small", "mark", "abbr", "ul", "li", "dl", "dt", "dd", "blockquote",
    "span", "div", "nav", "section", "article", "figure", "figcaption", "details", "summary",
    "header", "footer", "main",
)
# fmt: on
#: Tags a page may hold (with the attributes each may carry, besides ``class`` and ``title``).
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    **dict.fromkeys(_PLAIN_TAGS, frozenset()),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
}
_GLOBAL_ATTRIBUTES = frozenset({"class", "title"})
_VOID = frozenset({"br", "hr", "img", "col"})
#: Elements dropped with everything inside them (their content is code, not text).
_DROPPED = frozenset({"style", "head", "title"})
_SAFE_HREF = re.compile(r"^(?:https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$")
_NUMBER = re.compile(r"^\d{1,4}%?$")
_MARKDOWN = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def _attribute_ok(tag: str, name: str, value: str) -> bool:
    value = value.strip()
    if name == "href":
        return bool(_SAFE_HREF.match(re.sub(r"[\x00-\x20]", "", value)))
    if name == "src":
        return bool(_DATA_IMAGE.match(value))
    if name in ("colspan", "rowspan", "span", "start", "width", "height"):
        return bool(_NUMBER.match(value))
    if name == "scope":
        return value in ("row", "col", "rowgroup", "colgroup")
    return True


class _Sanitizer(HTMLParser):
    """Rebuilds a fragment from parsed tokens: whitelisted markup kept, the rest as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def _text(self, text: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(text, quote=False))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED or self.dropping:
            if tag not in _VOID and tag in _DROPPED:
                self.dropping.append(tag)
            return
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            self._text(self.get_starttag_text() or f"<{tag}>")
            return
        kept = [
            (name, value or "")
            for name, value in attrs
            if (name in allowed or name in _GLOBAL_ATTRIBUTES)
            and _attribute_ok(tag, name, value or "")
        ]
        if tag == "img" and not any(name == "src" for name, _ in kept):
            self._text(self.get_starttag_text() or "<img>")  # a remote image: shown as text
            return
        rendered = "".join(f' {n}="{html.escape(v, quote=True)}"' for n, v in kept)
        self.out.append(f"<{tag}{rendered}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in _VOID and tag in ALLOWED_TAGS:
            return
        if tag not in ALLOWED_TAGS:
            self._text(f"</{tag}>")
            return
        if tag not in self.open:
            return  # a stray closing tag closes nothing
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        self._text(data)

    def unknown_decl(self, data: str) -> None:  # CDATA and the like: text at most
        self._text(data)

    def close(self) -> None:
        super().close()
        self.out.extend(f"</{t}>" for t in reversed(self.open))
        self.open = []


def sanitize_html(fragment: str) -> str:
    """Keep only whitelisted markup of an HTML fragment; show everything else as text.

    Tables, headings, paragraphs, lists, emphasis, ``span``/``div`` with ``class``, links
    whose ``href`` is http(s), mailto or relative, and images whose ``src`` is a ``data:``
    image are kept, with only their listed attributes (never an event handler or a
    ``style``). Any other tag, ``<script>`` or an image from elsewhere included, is escaped
    and shows as text (so a rep named ``<script>alert(1)</script>`` reads exactly so);
    ``<style>`` blocks are dropped with their content; comments and processing
    instructions vanish.

    Examples
    --------
    >>> sanitize_html('<td onclick="x()">A&amp;B <script>alert(1)</script></td>')
    '<td>A&amp;B &lt;script&gt;alert(1)&lt;/script&gt;</td>'
    """
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def _markdown(source: str) -> str:
    return _MARKDOWN(source)


CSS = """
:root { --ink:#1f2933; --muted:#52606d; --line:#d9e2ec; --accent:#2f5d8a; --bad:#b44; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1040px; padding: 0 16px 48px; }
header.stamp { border-bottom: 2px solid var(--accent); padding: 12px 0; margin-bottom: 16px;
       font-size: 13px; color: var(--muted); }
header.stamp strong { color: var(--ink); font-size: 15px; }
h1 { font-size: 1.7em; line-height: 1.25; } h2 { font-size: 1.3em; margin-top: 1.6em; }
img { max-width: 100%; height: auto; display: block; margin: 8px 0; }
.table-wrap { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; }
th:first-child, td:first-child, th.text, td.text { text-align: left; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
.table-note { font-size: 13px; color: var(--muted); margin-top: 0; }
thead th { background: #f0f4f8; }
pre { white-space: pre-wrap; background: #f5f7fa; padding: 8px; font-size: 13px; }
.status-ok { color: #2b7a3d; font-weight: 600; }
.status-failed { color: var(--bad); font-weight: 600; }
.status-skipped { color: var(--muted); font-weight: 600; }
.error { border-left: 4px solid var(--bad); background: #fff5f5; padding: 8px 12px; }
td.better { background: #e6f4ea; } td.worse { background: #fdecea; }
nav a { margin-right: 12px; }
@media (max-width: 600px) { body { font-size: 15px; padding: 0 10px 32px; }
  th, td { padding: 3px 6px; } }
"""


def page(title: str, body: str, *, stamp: str = "") -> str:
    """A complete, self-contained HTML page with the shared style sheet.

    ``stamp`` and ``body`` pass :func:`sanitize_html`, and the page carries
    :data:`CONTENT_SECURITY_POLICY`, so no page can run script whatever its content.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{sanitize_html(stamp)}<main>{sanitize_html(body)}</main></body></html>\n"
    )


def stamp_header(scenario_title: str, fields: dict[str, str]) -> str:
    """The header that says what produced a report (scenario, data, code versions)."""
    items = " · ".join(f"{html.escape(k)}: {html.escape(str(v))}" for k, v in fields.items())
    return (
        f'<header class="stamp"><strong>{html.escape(scenario_title)}</strong><br>{items}</header>'
    )


def _is_hidden(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & {"parameters", "injected-parameters", "remove-output", "hide-output"})


def _render_output(output, *, show_errors: bool) -> str:
    kind = output.get("output_type")
    if kind == "error":
        if not show_errors:
            return ""
        text = f"{output.get('ename')}: {output.get('evalue')}"
        return f'<div class="error"><pre>{html.escape(text)}</pre></div>'
    if kind == "stream":
        return ""  # logs and warnings are for analysts, not for the report
    data = output.get("data", {})
    meta = output.get("metadata", {})
    if "image/png" in data:
        alt = meta.get("image/png", {}).get("alt") or "Chart"
        png = data["image/png"].replace("\n", "")
        return f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}">'
    if "image/svg+xml" in data:  # as an image, so that script inside an SVG never runs
        alt = meta.get("image/svg+xml", {}).get("alt") or "Chart"
        svg = b64encode(str(data["image/svg+xml"]).encode()).decode()
        return f'<img src="data:image/svg+xml;base64,{svg}" alt="{html.escape(alt, quote=True)}">'
    if "text/html" in data:  # sanitised: a pandas Styler does not escape cell values
        return f'<div class="table-wrap">{sanitize_html(str(data["text/html"]))}</div>'
    if "text/markdown" in data:
        return _markdown(data["text/markdown"])
    return ""  # plain-text reprs (paths, objects) are for analysts, not for the report


def render_notebook_html(
    notebook_path: str | Path,
    out_path: str | Path,
    *,
    title: str,
    stamp: dict[str, str],
    show_errors: bool = False,
) -> Path:
    """Render an executed notebook to a code-free HTML page.

    Parameters
    ----------
    notebook_path : path
        The executed notebook.
    out_path : path
        The HTML file to write.
    title : str
        Scenario title for the header.
    stamp : dict
        Header fields: scenario, data, code version, hashes.
    show_errors : bool
        Include error outputs (for a failed run's page).
    """
    nb = nbformat.read(str(notebook_path), as_version=4)
    parts: list[str] = []
    doc_title = title
    for cell in nb.cells:
        if _is_hidden(cell):
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            if source.startswith("<span") and "papermill-error-cell" in source:
                continue  # papermill's banner points at code the reader cannot see
            if source.lstrip().startswith("# ") and doc_title == title:
                doc_title = source.lstrip()[2:].splitlines()[0].strip()
            parts.append(_markdown(source))
        elif cell.cell_type == "code":
            parts.extend(
                _render_output(o, show_errors=show_errors) for o in cell.get("outputs", [])
            )
    body = "\n".join(p for p in parts if p)
    text = page(f"{doc_title} · {title}", body, stamp=stamp_header(title, stamp))
    out_path = Path(out_path)
    out_path.write_text(text, encoding="utf-8")
    return out_path


def write_page(path: str | Path, text: str) -> Path:
    """Write a page atomically: a private temporary file in the same folder, then a rename.

    Readers see the old page or the new one, never half of one, and any number of writers
    may write the same page at once (the last rename wins).
    """
    import os
    import secrets

    path = Path(path)
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
