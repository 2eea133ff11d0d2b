"""URL slugs: deriving them from names and checking the ones users write."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 80
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"(?<=\w)['\u2019\u02bc](?=\w)")
# Letters that Unicode does not decompose into an ASCII base letter.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "\u0131": "i",
    }
)


def slugify(text: str) -> str:
    """Return a URL-safe slug for `text`: "São Paulo Café" → "sao-paulo-cafe"."""
    # "Jerry's" is one word, whichever apostrophe a spreadsheet typed.
    text = _APOSTROPHES.sub("", text)
    folded = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").replace("&", " and ")
    slug = _NOT_ALNUM.sub("-", ascii_text).strip("-")
    return slug[:MAX_LENGTH].rstrip("-")


def is_slug(text: str) -> bool:
    """Return whether `text` is a valid slug: lowercase letters, digits and single hyphens."""
    return len(text) <= MAX_LENGTH and bool(_SLUG.fullmatch(text))
