// The agents' queue on a map: one pin per report of the page, late ones marked "!" (not by
// colour alone), each a keyboard-reachable link to the report. The table under the map lists the
// same reports and stays the reference; without this file only a note says so. No text here:
// labels come from the server in data-markers, in the page's language.
import * as L from 'leaflet';

interface QueueMarker {
  lat: number;
  lng: number;
  href: string;
  reference: string;
  late: boolean;
  label: string;
}

function start() {
  const section = document.querySelector<HTMLElement>('[data-queue-map]');
  const canvas = section?.querySelector<HTMLElement>('.map__canvas');
  if (!section || !canvas) return;
  let markers: QueueMarker[] = [];
  try {
    markers = JSON.parse(section.dataset.markers ?? '[]') as QueueMarker[];
  } catch {
    return;
  }
  const data = section.dataset;
  section.classList.add('map--ready');
  for (const el of section.querySelectorAll<HTMLElement>('[data-map-only]')) el.hidden = false;

  const map = L.map(canvas).setView([Number(data.lat), Number(data.lng)], Number(data.zoom) || 12);
  if (data.tileUrl)
    L.tileLayer(data.tileUrl, { attribution: data.attribution ?? '', maxZoom: 19 }).addTo(map);
  if (data.geojsonUrl) {
    fetch(data.geojsonUrl)
      .then((r) => (r.ok ? r.json() : null))
      .then((geojson) => {
        if (geojson)
          L.geoJSON(geojson, {
            style: { color: '#1f4e9c', weight: 1, fillOpacity: 0.03 },
            interactive: false,
          }).addTo(map);
      })
      .catch(() => undefined);
  }

  const points: L.LatLngExpression[] = [];
  for (const marker of markers) {
    if (!Number.isFinite(marker.lat) || !Number.isFinite(marker.lng)) continue;
    const icon = L.divIcon({
      className: marker.late ? 'queue-pin queue-pin--late' : 'queue-pin',
      html: marker.late ? '<span aria-hidden="true">!</span>' : '',
      iconSize: [22, 22],
    });
    const popup = document.createElement('p');
    const link = document.createElement('a');
    link.href = marker.href;
    link.textContent = marker.reference;
    popup.append(link, document.createElement('br'), marker.label);
    L.marker([marker.lat, marker.lng], {
      icon,
      title: marker.label,
      alt: marker.label,
      keyboard: true,
      // Late reports on top: they are what the agent looks for.
      zIndexOffset: marker.late ? 1000 : 0,
    })
      .bindPopup(popup)
      .addTo(map);
    points.push([marker.lat, marker.lng]);
  }
  if (points.length > 0) map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 17 });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
