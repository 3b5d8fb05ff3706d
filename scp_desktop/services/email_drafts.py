"""Header values for e-mail drafts made safe: one line each, recipients as parsed addresses."""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.headerregistry import Address

# Line ends of every kind (CR, LF, VT, FF, NEL, line and paragraph separators) and other
# control characters: in a header they would end it and start another.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: object) -> str:
    """`text` with every line break or control character run turned into one space."""
    if text is None:
        return ""
    return re.sub(r" {2,}", " ", _BREAKS.sub(" ", str(text))).strip()


def recipient(name: str, email: str) -> tuple[Address | None, str]:
    """The draft's recipient, or None with the reason the stored address cannot be used.

    The name is quoted by the email package as a display name, so no text in it can add a
    header or a second recipient; the address must be one plain address.
    """
    address = one_line(email)
    if not address:
        return None, ""
    if address != email.strip():
        return None, "the contact email holds a line break"
    try:
        parsed = Address(display_name=one_line(name), addr_spec=address)
    except (HeaderParseError, ValueError, IndexError):
        return None, f"the contact email '{address}' is not one e-mail address"
    if not parsed.username or not parsed.domain:
        return None, f"the contact email '{address}' is not one e-mail address"
    if not parsed.addr_spec.isascii():
        return None, f"the contact email '{address}' holds characters e-mail addresses cannot"
    return parsed, ""
