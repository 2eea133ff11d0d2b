"""Split a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from toolkit.errors import Location, ToolkitError
from toolkit.yamlfile import YamlDocument, parse

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SplitFile:
    """Front matter (possibly empty) and the Markdown body that follows it."""

    meta: YamlDocument
    body: str
    body_line: int
    """The 1-based line of the file on which the body starts."""


def split(text: str, path: PurePosixPath) -> SplitFile:
    """Split `text` into front matter and body; a file without front matter is all body."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.startswith("---"):
        return SplitFile(YamlDocument({}, path, {}), text, 1)
    first_line_end = text.find("\n")
    if first_line_end == -1 or text[:first_line_end].rstrip() != "---":
        return SplitFile(YamlDocument({}, path, {}), text, 1)
    closing = _FENCE.search(text, first_line_end + 1)
    if closing is None:
        raise ToolkitError.at(
            Location(path, 1, 1), "front matter starts with `---` but has no closing `---` line"
        )
    yaml_text = text[first_line_end + 1 : closing.start()]
    meta = parse(yaml_text, path, line_offset=1)
    if meta.data is None:
        meta = YamlDocument({}, path, meta.locations)
    elif not isinstance(meta.data, dict):
        raise ToolkitError.at(Location(path, 2, 1), "front matter must be `key: value` lines")
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    body_line = text.count("\n", 0, body_start) + 1
    return SplitFile(meta, text[body_start:], body_line)
