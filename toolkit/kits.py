"""Forkable kits: the standalone project one champion gets, as files, as a zip, and read back.

A kit is the campaign as that champion's own project: the campaign's settings with
`partner: <id>` (their microsite becomes the home page), every page and piece, the assets,
the project's theme overrides, their roster entry alone, and a README for partners.
"""

from __future__ import annotations

import functools
import io
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import PurePosixPath

import yaml

from toolkit.errors import Location, ToolkitError
from toolkit.pages import CONTENT_DIR
from toolkit.resources import builtin_theme
from toolkit.roster import ROSTER_DIR, Champion
from toolkit.site import Site

MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 500 * 1024 * 1024
"""A kit that unpacks to more than this is refused."""
MAX_RATIO = 200
"""A member that claims to expand more than this many times its packed size is refused."""
_PACKED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".zip", ".woff", ".woff2")
_EPOCH = (2020, 1, 1, 0, 0, 0)  # fixed dates keep kit.zip byte-identical between builds

PARTNER_README = """\
# {name}: your {campaign} kit

This folder is a complete website project for {name}, made with toolkit from the
{campaign} campaign. It is yours: change the words, the logo, the colours, add pages, and
host it under your own name.

## Build and preview

    python3 -m pip install toolkit   # once
    toolkit serve                    # preview at http://127.0.0.1:8000/, reloads as you save
    toolkit build                    # the finished site, in output/

## What to edit

- `toolkit.yaml`: set `base_url` to the address your site will live at (for example
  `https://{host}/shop-local/`). The QR codes on your posters lead there.
- `content/champions/`: your own details: name, event, businesses, logo, colours, message.
- `content/*.md`, `content/kit/*.md`, `content/print/*.md`: the pages, the toolkit pieces and the
  print pieces. Change any words you like.
- `themes/default/`: put a template or style sheet at the same path as in toolkit's default
  theme to change just that file.

## Publish

Upload the `output/` folder to your web host, at the address in `base_url`.

## Keep in step with the campaign

    toolkit update            # bring in the campaign's changes
    toolkit update --dry-run  # see what would change first

Your edits are never overwritten: where the campaign changed the same lines you did, your file
is kept as it is, the campaign's version is saved beside it as `<file>.upstream`, and the
update says so. Merge the two by hand, then delete the `.upstream` file.
"""


def common_kit_files(site: Site) -> dict[str, bytes]:
    """Return the files every champion's kit carries: pages, pictures, the project's theme."""
    project = site.project
    files: dict[str, bytes] = {}
    for page in (*site.pages, *site.drafts):
        files[page.path.as_posix()] = (project / page.path).read_bytes()
    logos = {c.logo for c in site.champions if c.logo is not None}
    for asset in site.assets:
        if asset in logos or asset.parent == PurePosixPath(ROSTER_DIR.name):
            continue  # a champion's logo is theirs to share
        files[(CONTENT_DIR / asset).as_posix()] = (project / CONTENT_DIR / asset).read_bytes()
    builtin = builtin_theme().resolve()
    for folder in site.theme.folders:
        if folder == builtin or not folder.is_relative_to(project):
            continue  # the built-in theme comes with toolkit; only the project's own changes go
        for file in sorted(folder.rglob("*")):
            relative = file.relative_to(project)
            if file.is_file() and not any(p.startswith(".") for p in relative.parts):
                files[relative.as_posix()] = file.read_bytes()
    return files


def kit_files(
    site: Site, champion: Champion, common: Mapping[str, bytes] | None = None
) -> dict[str, bytes]:
    """Return every file of `champion`'s kit, by its path in the kit.

    `common` is what `common_kit_files` returned, when many kits are made from one site.
    """
    files = dict(common if common is not None else common_kit_files(site))
    files["toolkit.yaml"] = partner_settings(site, champion).encode("utf-8")
    own = champion.logo
    if own is not None and own in site.assets and own.parent != PurePosixPath(ROSTER_DIR.name):
        logo = CONTENT_DIR / own
        files[logo.as_posix()] = (site.project / logo).read_bytes()
    files[(ROSTER_DIR / f"{champion.id}.yaml").as_posix()] = roster_entry(champion)
    host = re.sub(r"^https?://", "", champion.website or "example.org").split("/")[0]
    readme = PARTNER_README.format(name=champion.name, campaign=site.settings.name, host=host)
    files["README.md"] = readme.encode("utf-8")
    files[".gitignore"] = b"/output/\n.toolkit-cache/\n"
    return dict(sorted(files.items()))


def partner_settings(site: Site, champion: Champion) -> str:
    """Return the campaign's toolkit.yaml made into the partner's: their id, their address."""
    text = (site.project / "toolkit.yaml").read_text(encoding="utf-8")
    address = site.settings.base_url + f"champions/{champion.id}/"
    text = re.sub(r"(?m)^partner:.*\n?", "", text)
    text = re.sub(r"(?m)^base_url:.*$", f"base_url: {address}", text, count=1)
    return (
        text.rstrip("\n")
        + "\n\n# This is the kit of one local champion: their microsite is the home page.\n"
        + f"partner: {champion.id}\n"
    )


def roster_entry(champion: Champion) -> bytes:
    """Return a roster file holding only `champion`'s entry, as the campaign wrote it."""
    data = dict(champion.written)
    data.setdefault("id", champion.id)
    text = yaml.dump([data], Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


# libyaml's writer, where PyYAML has it: a campaign of ten thousand champions writes ten
# thousand entries, at 0.15 ms each rather than 0.7. It folds long quoted text at other places
# than PyYAML's own, into YAML that reads back the same.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def kit_zip(files: dict[str, bytes], folder: str) -> bytes:
    """Return a zip of `files` inside `folder/`, the same bytes for the same files: the bytes
    `zipfile` writes (a test holds them to it).

    Written here rather than by `zipfile` because a campaign's kits share most of their files
    (its pages, its theme): each of those is compressed once per build (`_deflated`), not
    once for each of ten thousand kits.
    """
    if sum(map(len, files.values())) > _ZIP64_FROM:
        return _large_kit_zip(files, folder)
    parts: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, data in sorted(files.items()):
        path = f"{folder}/{name}"
        flags = 0 if path.isascii() else _UTF8_NAME
        encoded = path.encode("utf-8")
        # Pictures and fonts are compressed already: squeezing them again only costs time.
        if name.lower().endswith(_PACKED):
            method, body, crc = zipfile.ZIP_STORED, data, zlib.crc32(data)
        else:
            method, (body, crc) = zipfile.ZIP_DEFLATED, _deflated(data)
        fields = (flags, method, _TIME, _DATE, crc, len(body), len(data), len(encoded))
        header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, *fields, 0)
        parts += (header, encoded, body)
        entry = struct.pack("<4s4B4HL2L5HL", b"PK\x01\x02", 20, 3, 20, 0, *fields, *_NO_MORE)
        directory += (entry, struct.pack("<L", offset), encoded)
        offset += len(header) + len(encoded) + len(body)
    listing = b"".join(directory)
    count = len(files)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(listing), offset, 0)
    return b"".join(parts) + listing + end


_TIME = _EPOCH[3] << 11 | _EPOCH[4] << 5 | _EPOCH[5] // 2
_DATE = (_EPOCH[0] - 1980) << 9 | _EPOCH[1] << 5 | _EPOCH[2]
_UTF8_NAME = 0x800
_NO_MORE = (0, 0, 0, 0, 0o644 << 16)
"""A directory entry's extra field and comment (none), disk, internal and external attributes
(a plain file, rw-r--r--)."""
_ZIP64_FROM = zipfile.ZIP64_LIMIT // 2
"""Kits this large, if there were any, are left to `zipfile`, which knows the larger format."""


@functools.lru_cache(maxsize=256)
def _deflated(data: bytes) -> tuple[bytes, int]:
    """Return `data` compressed as `zipfile` compresses it, and its CRC-32."""
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data)


def _large_kit_zip(files: dict[str, bytes], folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            packed = name.lower().endswith(_PACKED)
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def read_kit_zip(data: bytes, where: str) -> dict[str, bytes]:
    """Return the files of a kit zip, refusing anything that could escape or explode."""
    shown = Location(PurePosixPath(where))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ToolkitError.at(shown, "not a zip file, so not a toolkit kit") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ToolkitError.at(shown, f"the zip holds {len(infos)} entries, too many for a kit")
    files: dict[str, bytes] = {}
    total = 0
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        _check_name(name, shown)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ToolkitError.at(shown, f"the zip holds a symbolic link: {name}")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise ToolkitError.at(shown, f"{name} would expand far beyond its size in the zip")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ToolkitError.at(shown, "the zip would unpack to more than 500 MB")
        with archive.open(info) as member:
            # Read no more than the header promises: a lying header cannot blow up memory.
            content = member.read(info.file_size + 1)
        if len(content) > info.file_size:
            raise ToolkitError.at(shown, f"{name} holds more than its header says")
        files[name] = content
    return _strip_folder(files, shown)


def _check_name(name: str, shown: Location) -> None:
    path = PurePosixPath(name)
    if (
        "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or re.match(r"^[A-Za-z]:", name)
        or ".." in path.parts
    ):
        raise ToolkitError.at(shown, f"the zip holds a path that leaves its folder: {name!r}")


def _strip_folder(files: dict[str, bytes], shown: Location) -> dict[str, bytes]:
    """Take the files out of the kit's one top folder (`<id>-kit/`), if it has one."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        (top,) = tops
        files = {name[len(top) + 1 :]: data for name, data in files.items()}
    if "toolkit.yaml" not in files:
        raise ToolkitError.at(shown, "no toolkit.yaml in the zip, so not a toolkit kit")
    return files
