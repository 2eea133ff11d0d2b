"""Safe YAML loading that remembers the line and column of every key and item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from toolkit.errors import Location, ToolkitError

try:  # The C loader is several times faster on large rosters.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 50 * 1024 * 1024
"""A roster larger than this is refused rather than read."""
MAX_NODES = 2_000_000
"""Bounds the work an alias bomb can cause: each alias expands to a full copy of its anchor."""

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain Python data from one YAML document, and where each part of it was written."""

    data: Any
    path: PurePosixPath
    locations: Mapping[KeyPath, Location]

    def loc(self, *keys: str | int) -> Location:
        """Return the location of the value at `keys`, or of its nearest parent that has one."""
        while keys:
            found = self.locations.get(keys)
            if found is not None:
                return found
            keys = keys[:-1]
        return self.locations.get((), Location(self.path, 1, 1))

    def key_loc(self, *keys: str | int) -> Location:
        """Return the location of the key at `keys` (the value's location when it has no key)."""
        return self.locations.get(("<key>", *keys)) or self.loc(*keys)


def parse(text: str, path: PurePosixPath, line_offset: int = 0) -> YamlDocument:
    """Parse one YAML document, safely, keeping locations; `line_offset` is added to every line."""
    if len(text) > MAX_BYTES:
        raise ToolkitError.at(Location(path), f"file is too large ({len(text)} bytes)")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        where = _location(path, exc.problem_mark or exc.context_mark, line_offset)
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark is not None and exc.problem:
            # "end of stream" alone hides the cause: say where the unclosed thing started.
            start = _location(path, exc.context_mark, line_offset)
            message += f", {exc.context} that starts at line {start.line}, column {start.col}"
        raise ToolkitError.at(where, message) from None
    except yaml.YAMLError as exc:
        raise ToolkitError.at(Location(path), f"invalid YAML: {exc}") from None
    builder = _Builder(path, line_offset)
    try:
        data = None if node is None else builder.build(node, ())
    finally:
        builder.close()
    return YamlDocument(data, path, builder.locations)


def _location(path: PurePosixPath, mark: Any, line_offset: int) -> Location:
    if mark is None:
        return Location(path)
    # PyYAML marks are 0-based.
    return Location(path, mark.line + 1 + line_offset, mark.column + 1)


class _Builder:
    """Turns a composed node tree into plain data with safe constructors only."""

    def __init__(self, path: PurePosixPath, line_offset: int) -> None:
        self.path = path
        self.line_offset = line_offset
        self.locations: dict[KeyPath, Location] = {}
        self.nodes = 0
        self.open: set[int] = set()
        self.scalars = yaml.SafeLoader("")

    def close(self) -> None:
        """Let go of every node the scalar loader saw. The loader refers to itself, so without
        this it and all the nodes would wait for Python's cycle collector: a roster of 10,000
        champions left 80 MB of them."""
        self.scalars.constructed_objects.clear()
        self.scalars.dispose()

    def build(self, node: yaml.Node, keys: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ToolkitError.at(
                self.here(node), "YAML is too large once aliases are expanded (an alias bomb?)"
            )
        if id(node) in self.open:
            raise ToolkitError.at(self.here(node), "an alias refers to a list or mapping it is in")
        self.locations.setdefault(keys, self.here(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, keys)
            self.check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(item, (*keys, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def mapping(self, node: yaml.MappingNode, keys: KeyPath) -> dict[str, Any]:
        self.check_tag(node, "tag:yaml.org,2002:map")
        written = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        try:
            self.scalars.flatten_mapping(node)  # puts the keys of `<<` merges first
        except yaml.MarkedYAMLError as exc:
            where = _location(self.path, exc.problem_mark, self.line_offset)
            raise ToolkitError.at(where, f"invalid YAML: {exc.problem}") from None
        merged = len(node.value) - written
        result: dict[str, Any] = {}
        # Keys written in the mapping win over merged ones; among merges, the first wins.
        for index in [*range(merged, len(node.value)), *range(merged)]:
            key_node, value_node = node.value[index]
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int | float | bool) or key is None:
                raise ToolkitError.at(self.here(key_node), "keys must be plain words")
            key = str(key)
            if key in result:
                if index < merged:
                    continue
                raise ToolkitError.at(self.here(key_node), f"`{key}` is given twice")
            self.locations[("<key>", *keys, key)] = self.here(key_node)
            result[key] = self.build(value_node, (*keys, key))
        return result

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # what PyYAML's constructor returns, without its machinery
        if node.tag == "tag:yaml.org,2002:int" and ":" in node.value:
            # YAML 1.1 reads 09:00 as 540 (base 60): keep what the user wrote.
            return node.value
        if node.tag.startswith("tag:yaml.org,2002:") and node.tag[18:] in _SAFE_SCALARS:
            try:
                return self.scalars.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError):
                # Looks like a date but is not one (2026-13-45): the field's reader says so.
                return node.value
        raise ToolkitError.at(self.here(node), f"unsupported YAML tag {node.tag!r}")

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise ToolkitError.at(self.here(node), f"unsupported YAML tag {node.tag!r}")

    def here(self, node: yaml.Node) -> Location:
        return _location(self.path, node.start_mark, self.line_offset)


_SAFE_SCALARS = {"str", "int", "float", "bool", "null", "timestamp"}
