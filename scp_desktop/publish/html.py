"""A document as one self-contained HTML file: inline styles, images as data URIs, landmarks,
headings in order, captioned tables with marked header cells, every user string escaped."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from scp_desktop.publish.content import (
    Bullets,
    Cell,
    Document,
    Fields,
    Figure,
    Heading,
    Para,
    Table,
)

# Characters XML and HTML cannot carry (controls other than tab and line breaks).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.45;color:#1a1a1a;
background:#fff;margin:0 auto;max-width:70rem;padding:1rem 1.5rem}
header.masthead{display:flex;gap:1rem;align-items:center;border-bottom:2px solid #1f3864;
padding-bottom:.5rem}
header.masthead img{max-height:4rem;width:auto}
h1{font-size:1.8rem;color:#1f3864;margin:.8rem 0 .3rem}
h2{font-size:1.4rem;color:#1f3864;margin:1.6rem 0 .4rem;border-bottom:1px solid #c9c9c9}
h3{font-size:1.2rem;margin:1.2rem 0 .3rem}
h4,h5,h6{font-size:1.05rem;margin:1rem 0 .3rem}
p.note{border-left:4px solid #8a5a00;background:#fff6e0;padding:.5rem .8rem}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1.2rem}
dl.fields dt{font-weight:bold}
dl.fields dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1.2rem;font-size:.92rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #767676;padding:.3rem .4rem;vertical-align:top;text-align:left}
thead th{background:#1f3864;color:#fff}
tbody th{background:#f2f2f2}
td.rag-R{background:#C62828;color:#fff}
td.rag-A{background:#F9A825;color:#000}
td.rag-G{background:#2E7D32;color:#fff}
td.rag-B{background:#1565C0;color:#fff}
figure{margin:.6rem 0}
figure img{max-width:100%;height:auto;border:1px solid #c9c9c9}
figcaption{font-size:.92rem}
footer{border-top:1px solid #c9c9c9;margin-top:2rem;padding-top:.5rem;font-size:.9rem}
@media print{thead{display:table-header-group}tr{break-inside:avoid}}
"""


def text(value: str) -> str:
    """A user's string as HTML text: markup escaped, controls dropped, line breaks kept."""
    clean = _CONTROLS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return html.escape(clean, quote=True).replace("\n", "<br>\n")


def plain(value: str) -> str:
    """A user's string for an attribute or the title: escaped, on one line."""
    clean = _CONTROLS.sub("", value)
    return html.escape(" ".join(clean.split()), quote=True)


def _cell(tag: str, cell: Cell, scope: str = "") -> str:
    attrs = f' scope="{scope}"' if scope else ""
    if cell.rag is not None and tag == "td":
        attrs += f' class="rag-{cell.rag.value}"'
    return f"<{tag}{attrs}>{text(cell.text)}</{tag}>"


def _table(t: Table) -> str:
    out = ["<table>", f"<caption>{text(t.caption)}</caption>"]
    out.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{text(h)}</th>' for h in t.header)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for row in t.rows:
        cells = []
        for i, c in enumerate(row):
            if i == 0 and t.row_headers:
                cells.append(_cell("th", c, "row"))
            else:
                cells.append(_cell("td", c))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _image(data: bytes, kind: str) -> str:
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def render(doc: Document) -> str:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{doc.language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="author" content="{plain(doc.author)}">',
        f"<title>{plain(doc.title)}: {plain(doc.subtitle)} – {plain(doc.partnership)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<header class="masthead">',
    ]
    if doc.logo and doc.logo_kind:
        parts.append(
            f'<img src="{_image(doc.logo, doc.logo_kind)}" alt="{plain(doc.partnership)} logo">'
        )
    parts.append(f"<p>{text(doc.partnership)}</p>")
    parts.append("</header>")
    parts.append("<main>")
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(6, block.level)
            parts.append(f"<h{level}>{text(block.text)}</h{level}>")
        elif isinstance(block, Para):
            inner = text(block.text)
            if block.strong:
                inner = f"<strong>{inner}</strong>"
            parts.append(f'<p class="note">{inner}</p>' if block.note else f"<p>{inner}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>" + "".join(f"<li>{text(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Fields):
            parts.append(
                '<dl class="fields">'
                + "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in block.rows)
                + "</dl>"
            )
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Figure):
            parts.append(
                f'<figure><img src="{_image(block.png, "png")}" alt="{plain(block.alt)}" '
                f'width="{round(block.width_cm * 37.8)}" '
                f'height="{round(block.height_cm * 37.8)}">'
                f"<figcaption>{text(block.caption)}</figcaption></figure>"
            )
    parts.append("</main>")
    footer = doc.footer or doc.partnership
    parts.append(
        f"<footer><p>{text(footer)}</p><p>Prepared by {text(doc.author)}, "
        f"{doc.generated_on.strftime('%d %B %Y')}.</p></footer>"
    )
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def write(doc: Document, out: Path) -> int:
    """Write the file (through a temporary name, so a failed write leaves no half file)."""
    data = render(doc).encode("utf-8")
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    return len(data)
