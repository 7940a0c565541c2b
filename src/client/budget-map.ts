// Maps of the participatory budget's winners (the realisations page and a project's page):
// the markers the server wrote in data-markers, each a link to its project; the city's
// outline when given. Without this file the page shows the list (or the place in words).
// No text here: labels come from the data attributes.
import * as L from 'leaflet';

interface Marker {
  id: string;
  lat: number;
  lng: number;
  label: string;
  href?: string;
}

function start() {
  for (const root of document.querySelectorAll<HTMLElement>('[data-budget-map]')) {
    const section = root.querySelector<HTMLElement>('[data-map]');
    const canvas = section?.querySelector<HTMLElement>('.map__canvas');
    if (!section || !canvas) continue;
    const data = section.dataset;
    section.classList.add('map--ready');
    const map = L.map(canvas).setView([Number(data.lat), Number(data.lng)], Number(data.zoom) || 12);
    let touched = false;
    map.on('movestart', () => {
      touched = true;
    });
    if (data.tileUrl)
      L.tileLayer(data.tileUrl, { attribution: data.attribution ?? '', maxZoom: 19 }).addTo(map);

    let markers: Marker[] = [];
    try {
      markers = JSON.parse(data.markers ?? '[]') as Marker[];
    } catch {
      markers = [];
    }
    const layer = L.featureGroup().addTo(map);
    for (const marker of markers) {
      const point = L.circleMarker([marker.lat, marker.lng], {
        radius: 7,
        color: '#1f4e9c',
        weight: 2,
        fillColor: '#ffffff',
        fillOpacity: 1,
      });
      if (marker.href) {
        const link = document.createElement('a');
        link.href = marker.href;
        link.textContent = marker.label;
        point.bindPopup(link);
      } else {
        point.bindTooltip(marker.label);
      }
      point.addTo(layer);
    }
    const fit = root.hasAttribute('data-fit-markers') && markers.length > 0;
    if (fit) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });

    if (data.geojsonUrl) {
      fetch(data.geojsonUrl)
        .then((r) => (r.ok ? r.json() : null))
        .then((geojson) => {
          if (!geojson) return;
          const outlines = L.geoJSON(geojson, {
            style: { color: '#1f4e9c', weight: 1, fillOpacity: 0.03 },
            interactive: false,
          }).addTo(map);
          outlines.bringToBack();
          // A list with no marker to frame shows the whole city, unless the person has moved the map.
          const fitCity = root.hasAttribute('data-fit-city') && !fit;
          if (fitCity && !touched && outlines.getBounds().isValid()) map.fitBounds(outlines.getBounds());
        })
        .catch(() => undefined);
    }
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
