"""Offline assets: Leaflet from the ``django-js-lib-leaflet`` package, as ``data:`` URIs or as files for a server to
serve; every CDN asset refused."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources

from branca.element import Element
from folium.elements import JSCSSMixin

from regions.maps.style import _LEAFLET_PACKAGE, _UNUSED_ASSETS

#: The English tooltip Leaflet puts on its attribution link.
_LEAFLET_TITLE = b' title="A JavaScript library for interactive maps"'

# --- offline assets ------------------------------------------------------------------------------------------------


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _use_packaged_assets(m: Element, served: Mapping[str, str] | None = None) -> None:
    """Point every element's JS/CSS at Leaflet shipped by an installed package, as ``data:`` URIs (no CDN), or at
    the URLs of ``served`` (an asset's name → where a server serves it, e.g. from :func:`leaflet_files`)."""
    leaflet_js, leaflet_css = _leaflet_assets()
    packaged = {"leaflet": leaflet_js, "leaflet_css": leaflet_css, **(served or {})}
    for element in _walk(m):
        if not isinstance(element, JSCSSMixin):
            continue
        for attribute in ("default_js", "default_css"):
            kept = []
            for name, url in getattr(element, attribute):
                if name in packaged:
                    kept.append((name, packaged[name]))
                elif name not in _UNUSED_ASSETS:
                    raise ValueError(f"{type(element).__name__} needs {name!r} from {url}, which is not packaged")
            setattr(element, attribute, kept)


@cache
def _leaflet_assets() -> tuple[str, str]:
    """``leaflet.js`` and ``leaflet.css`` (its images inlined) of the installed django-js-lib-leaflet, as data URIs."""
    script, css = _leaflet_sources()
    return _data_uri("text/javascript", script), _data_uri("text/css", css)


def leaflet_files() -> dict[str, tuple[str, bytes]]:
    """Leaflet's script as a file for a server to serve: asset name → (file name, content), the file named after its
    content's hash, so that a browser may keep it as long as it likes. The stylesheet stays a ``data:`` URI
    (20 kB): a page applies a linked stylesheet whenever it arrives, and a map drawn before would place its controls
    unstyled, where they cover each other."""
    script, _ = _leaflet_sources()
    return {"leaflet": (hashed_name("leaflet", script, ".js"), script)}


def hashed_name(stem: str, content: bytes, suffix: str) -> str:
    """``stem-<first 16 hex digits of the content's SHA-256><suffix>``."""
    return f"{stem}-{hashlib.sha256(content).hexdigest()[:16]}{suffix}"


@cache
def _leaflet_sources() -> tuple[bytes, bytes]:
    """``leaflet.js`` and ``leaflet.css`` (its images inlined as data URIs) of the installed django-js-lib-leaflet."""
    folder = resources.files(_LEAFLET_PACKAGE).joinpath("static", _LEAFLET_PACKAGE)
    # its attribution link's English tooltip would be the one English phrase of a French map: dropped (the link
    # itself, "Leaflet", is a name and stays)
    script = folder.joinpath("leaflet.js").read_bytes().replace(_LEAFLET_TITLE, b"")
    css = folder.joinpath("leaflet.css").read_text(encoding="utf-8")

    def inline_image(match: re.Match[str]) -> str:
        image = folder.joinpath(*match.group(1).split("/")).read_bytes()
        return f"url({_data_uri('image/png', image)})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline_image, css)
    return script, css.encode("utf-8")


def _data_uri(media_type: str, content: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"
