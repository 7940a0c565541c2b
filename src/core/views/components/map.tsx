import type { ComponentChildren } from 'preact';
import type { PageContext } from '../context.js';

export interface MapMarker {
  id: string;
  lat: number;
  lng: number;
  label: string;
  href?: string;
}

/**
 * A map container. Without JavaScript (or until the map library loads) people get the
 * same information as `children` — a list or a table — so the map is never the only way.
 * The script reads the data-* attributes to draw the map above that fallback.
 */
export function MapView({
  ctx,
  label,
  children,
  center,
  zoom,
  markers = [],
  geojsonUrl,
  id = 'map',
}: {
  ctx: PageContext;
  /** What the map shows, e.g. "Reports near you"; it names the region. */
  label: string;
  children: ComponentChildren;
  center?: [number, number];
  zoom?: number;
  markers?: MapMarker[];
  /** A GeoJSON document to draw (areas), served by us. */
  geojsonUrl?: string;
  id?: string;
}) {
  const { map } = ctx.city;
  const [lat, lng] = center ?? map.center;
  return (
    <section
      class="map"
      id={id}
      aria-label={label}
      data-map
      data-lat={String(lat)}
      data-lng={String(lng)}
      data-zoom={String(zoom ?? map.zoom)}
      data-tile-url={map.tileUrl}
      data-attribution={map.tileAttribution}
      data-geojson-url={geojsonUrl}
      data-markers={markers.length > 0 ? JSON.stringify(markers) : undefined}
    >
      <div class="map__canvas" />
      <div class="map__fallback">{children}</div>
    </section>
  );
}
