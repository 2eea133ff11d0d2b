"""The theme's interface strings in each language: `messages/<lang>.yaml`, English → translation.

Templates write `{{ _("Join us") }}`; a string with no translation shows in English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from toolkit.errors import Location, Problems, ToolkitError
from toolkit.themes import Theme
from toolkit.yamlfile import parse

Translate = Callable[[str], str]


def load_messages(
    theme: Theme, languages: tuple[str, ...], project: Path, problems: Problems
) -> Mapping[str, Mapping[str, str]]:
    """Return each language's messages, a project's own file over the built-in one."""
    found: dict[str, Mapping[str, str]] = {}
    for lang in languages:
        merged: dict[str, str] = {}
        for folder in reversed(theme.folders):  # the built-in theme first, the project's over it
            file = folder / "messages" / f"{lang}.yaml"
            if file.is_file():
                merged.update(_read(file, project, problems))
        found[lang] = MappingProxyType(merged)
    return MappingProxyType(found)


def _read(file: Path, project: Path, problems: Problems) -> dict[str, str]:
    try:
        shown = PurePosixPath(file.resolve().relative_to(project.resolve()).as_posix())
    except ValueError:
        shown = PurePosixPath(file.as_posix())
    try:
        doc = parse(file.read_text(encoding="utf-8"), shown)
    except ToolkitError as error:
        problems.absorb(error)
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(Location(shown), f"cannot read: {exc}")
        return {}
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        problems.error(doc.loc(), 'messages are lines of `"English": "translation"`')
        return {}
    messages = {}
    for key, value in doc.data.items():
        if not isinstance(value, str):
            problems.error(doc.loc(key), f"the translation of {key!r} must be text")
            continue
        messages[key] = value
    return messages


def translator(messages: Mapping[str, str]) -> Translate:
    """Return the `_()` templates call: the translation, or the English text itself."""

    def translate(text: str) -> str:
        return messages.get(text, text)

    return translate
