"""Reading typed fields out of a YAML mapping, with a located problem for every bad value."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from toolkit.errors import Location, Problems, did_you_mean
from toolkit.yamlfile import KeyPath, YamlDocument

_EMAIL = re.compile(
    r"^[^@\s<>\"'()\[\],;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
WEB_SCHEMES = ("http", "https")


class Fields:
    """A view of one mapping in a YAML document that reads typed values and records problems."""

    def __init__(self, doc: YamlDocument, keys: KeyPath, problems: Problems, what: str) -> None:
        self.doc = doc
        self.keys = keys
        self.problems = problems
        self.what = what
        value = doc.data
        for key in keys:
            value = value[key]
        self.data: dict[str, Any] = value if isinstance(value, dict) else {}

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Report every key that is not in `allowed`, with a suggestion."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                self.problems.error(
                    self.doc.key_loc(*self.keys, key),
                    f"unknown key `{key}` in {self.what}",
                    did_you_mean(key, allowed),
                )

    def loc(self, key: str) -> Location:
        return self.doc.loc(*self.keys, key)

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def bad(self, key: str, message: str) -> None:
        self.problems.error(self.loc(key), message)

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        default: str | None = None,
        longest: int | None = None,
    ) -> str | None:
        """Return a string field; numbers are accepted and turned into text. Longer than
        `longest` characters is an error."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.error(
                    self.doc.loc(*self.keys), f"{self.what} has no `{key}` (it is required)"
                )
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.bad(key, f"`{key}` must be text, not {_kind(value)}")
            return default
        value = str(value).strip()
        if not value and required:
            self.bad(key, f"`{key}` must not be empty")
            return default
        if longest is not None and len(value) > longest:
            self.bad(key, f"`{key}` is {len(value):,} characters long; at most {longest:,} please")
            return default
        return value or default

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.bad(key, f"`{key}` must be true or false, not {_kind(value)}")
            return default
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(key, f"`{key}` must be a whole number, not {_kind(value)}")
            return default
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.bad(key, f"`{key}` must be a date written YYYY-MM-DD, not {value!r}")
        return None

    def time(self, key: str) -> dt.time | None:
        value = self.data.get(key)
        if value is None:
            return None
        match = _TIME.match(str(value).strip()) if isinstance(value, str) else None
        if match is None:
            self.bad(key, f"`{key}` must be a time written HH:MM (24-hour), not {value!r}")
            return None
        return dt.time(int(match[1]), int(match[2]))

    def url(self, key: str, schemes: tuple[str, ...] = WEB_SCHEMES) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if not is_url(value, schemes):
            self.bad(key, f"`{key}` must be a full {' or '.join(schemes)} address, not {value!r}")
            return None
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if not _EMAIL.match(value):
            self.bad(key, f"`{key}` is not an e-mail address: {value!r}")
            return None
        return value

    def color(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if not _COLOR.match(value):
            self.bad(key, f"`{key}` must be a colour written #rgb or #rrggbb, not {value!r}")
            return None
        return value.lower()

    def language(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if not _LANG.match(value):
            self.bad(key, f"`{key}` must be a language code such as `en` or `es`, not {value!r}")
            return None
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        """Return a list of strings; a single string is taken as a list of one."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value.strip(),)
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.bad(key, f"`{key}` must be a list of words, such as [a, b]")
            return ()
        return tuple(str(v).strip() for v in value)

    def mapping(self, key: str) -> Fields | None:
        """Return a view of a nested mapping, or None when absent or not a mapping."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.bad(key, f"`{key}` must be a mapping of `key: value`, not {_kind(value)}")
            return None
        return Fields(self.doc, (*self.keys, key), self.problems, f"`{key}`")

    def items(self, key: str, what: str) -> list[Fields]:
        """Return a view of each mapping in a list field."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(key, f"`{key}` must be a list, not {_kind(value)}")
            return []
        views = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.problems.error(
                    self.doc.loc(*self.keys, key, i), f"each of `{key}` must be a mapping"
                )
                continue
            views.append(Fields(self.doc, (*self.keys, key, i), self.problems, what))
        return views


def is_url(value: str, schemes: tuple[str, ...] = WEB_SCHEMES) -> bool:
    """Return whether `value` is an absolute URL with one of `schemes`."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.scheme.lower() not in schemes:
        return False
    if parts.scheme.lower() in WEB_SCHEMES:
        return bool(parts.hostname)
    return bool(parts.path)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dt.date):
        return "a date"
    return repr(value)
