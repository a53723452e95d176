"""The map elements folium lacks: compact GeoJSON, the legend control, accessible names for the shapes."""

from __future__ import annotations

import html
import json

import folium
from branca.element import MacroElement
from jinja2 import Template

from regions.maps.style import _COMPACT_JSON, BACKGROUND_COLOR, LABEL_PROPERTY, NARROW_MAP_PX


def _compact_template(template: Template) -> Template:
    """A copy of ``template`` that renders ``tojson`` without spaces, in an environment of its own (an overlay), so
    that the settings shared by every folium template in the process are left unchanged."""
    environment = template.environment.overlay()
    environment.policies = {**template.environment.policies, "json.dumps_kwargs": _COMPACT_JSON}
    copy = object.__new__(type(template))
    copy.__dict__.update(template.__dict__)
    copy.environment = environment
    copy._module = None
    return copy


class _CompactGeoJson(folium.GeoJson):
    """folium's GeoJSON layer, its data embedded as compact JSON (this module's maps only)."""

    _template = _compact_template(folium.GeoJson._template)


def _script_json(value: object) -> str:
    """``value`` as compact JSON that is safe inside an HTML ``<script>``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text


def _legend_html(title: str, source: str, entries: list[tuple[str, str]]) -> str:
    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span style="flex:none;width:18px;height:12px;background:{color};'
        'border:1px solid #8c8c8c"></span>'
        f"<span>{html.escape(label)}</span></div>"
        for color, label in entries
    )
    return (
        '<details open class="hs-legend" style="background:rgba(255,255,255,0.94);'
        "padding:8px 10px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.35);color:#222;"
        'font:13px/1.35 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:260px">'
        f'<summary class="hs-legend-title" style="font-weight:600;margin-bottom:4px;cursor:pointer">'
        f"{html.escape(title)}</summary>"
        f"{rows}"
        f'<div class="hs-legend-source" style="margin-top:6px;font-size:11px;color:#555">{html.escape(source)}</div>'
        "</details>"
    )


def _js_string(text: str) -> str:
    """``text`` as a JavaScript string literal that is safe inside an HTML ``<script>``."""
    literal = json.dumps(text, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        literal = literal.replace(char, escape)
    return literal


class _Legend(MacroElement):
    """The legend as a Leaflet control (bottom right); also paints the plain background seen without tiles."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            map.getContainer().style.background = {{ this.background }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "hs-legend-control");
                div.innerHTML = {{ this.content }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.content = _js_string(legend_html)
        self.background = _js_string(BACKGROUND_COLOR)


class _AccessibleNames(MacroElement):
    """Give every shape with a :data:`LABEL_PROPERTY` ``role="img"`` and that ``aria-label`` (decoded to text,
    set as an attribute, never inserted as HTML), out of the Tab order (Leaflet makes each a tab stop); name the
    map region; draw a visible focus ring; let the page zoom (folium's viewport tag forbids pinch zoom); on a map
    narrower than :data:`NARROW_MAP_PX`, fold the legend and fit ``bounds`` (south, west, north, east) edge to
    edge."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var container = map.getContainer();
            var parser = new DOMParser();  // its documents run no script and load nothing: it only decodes "&lt;"
            var text = function (escaped) {
                return escaped ? parser.parseFromString(escaped, "text/html").documentElement.textContent : "";
            };
            container.setAttribute("role", "region");
            container.setAttribute("aria-label", text({{ this.title }}));
            // Leaflet focuses the map on a mouse press: without preventScroll, a map partly off screen scrolls the
            // page between the press and the release, which then land on different shapes, and the click is lost
            container.focus = function (options) {
                HTMLElement.prototype.focus.call(container, Object.assign({preventScroll: true}, options || {}));
            };
            map.eachLayer(function (layer) {
                var label = text(layer.feature && layer.feature.properties && layer.feature.properties.LABEL);
                var shape = label && layer.getElement ? layer.getElement() : null;
                if (!shape) { return; }
                shape.setAttribute("role", "img");
                shape.setAttribute("aria-label", label);
                // out of the Tab order: a hundred stops (and as many back) would bury the page; the keyboard way
                // is the list under the map, and a screen reader still reads each shape's name
                shape.setAttribute("tabindex", "-1");
            });
            var style = document.createElement("style");
            style.textContent = ".leaflet-interactive:focus-visible, .leaflet-container:focus-visible, "
                + ".leaflet-control a:focus-visible, .leaflet-control input:focus-visible "
                + "{ outline: 3px solid #1c4fd6 !important; outline-offset: 1px; }"
                + " path.leaflet-interactive:focus-visible { stroke: #000000; stroke-width: 3px; }"
                + " .leaflet-control-layers { max-width: calc(100% - 64px); }"
                + " .leaflet-control-layers label span { white-space: normal; }";
            document.head.appendChild(style);
            if (container.clientWidth < NARROW) {
                // a phone, or a 200 % zoom: the legend folds to its title (a <details> the user opens) and the
                // view fits without the room kept for it, so that the map is not hidden behind it
                container.querySelectorAll("details.hs-legend").forEach(function (legend) { legend.open = false; });
                map.fitBounds({{ this.bounds }}, {padding: [8, 8]});
            }
            document.querySelectorAll('meta[name="viewport"]').forEach(function (tag) {
                tag.setAttribute("content", "width=device-width, initial-scale=1");
            });
        })();
        {% endmacro %}
        """.replace("LABEL", LABEL_PROPERTY).replace("NARROW", str(NARROW_MAP_PX))
    )

    def __init__(self, title: str, bounds: tuple[float, float, float, float]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AccessibleNames"
        self.title = _js_string(html.escape(title))
        south, west, north, east = bounds
        self.bounds = json.dumps([[south, west], [north, east]])
