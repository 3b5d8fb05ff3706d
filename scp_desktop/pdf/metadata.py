"""The XMP metadata packet of a document: title, author, subject and language for readers and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from scp_desktop.pdf.text import clean

_BEGIN = "\ufeff"  # the packet's byte-order mark, as XMP asks


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    language: str
    keywords: tuple[str, ...] = ()
    created: dt.date | None = None
    tool: str = "SCP Desktop"


def _x(text: str) -> str:
    return escape(" ".join(clean(text).split()), {'"': "&quot;"})


def xmp_packet(meta: Metadata) -> str:
    """An XMP packet (Dublin Core, PDF and XMP basic schemas) describing the document."""
    lang = _x(meta.language)
    keywords = "; ".join(k for k in meta.keywords if k)
    created = ""
    if meta.created is not None:
        stamp = meta.created.isoformat()
        created = (
            f"<xmp:CreateDate>{stamp}</xmp:CreateDate>\n<xmp:ModifyDate>{stamp}</xmp:ModifyDate>\n"
        )
    author = f"<rdf:li>{_x(meta.author)}</rdf:li>" if meta.author else ""
    return (
        f'<?xpacket begin="{_BEGIN}" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        "<dc:format>application/pdf</dc:format>\n"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_x(meta.title)}</rdf:li>'
        "</rdf:Alt></dc:title>\n"
        f"<dc:creator><rdf:Seq>{author}</rdf:Seq></dc:creator>\n"
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{_x(meta.subject)}</rdf:li>'
        "</rdf:Alt></dc:description>\n"
        f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n"
        f"<pdf:Keywords>{_x(keywords)}</pdf:Keywords>\n"
        f"<pdf:Producer>{_x(meta.tool)}</pdf:Producer>\n"
        f"<xmp:CreatorTool>{_x(meta.tool)}</xmp:CreatorTool>\n"
        f"{created}"
        "</rdf:Description>\n"
        "</rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
