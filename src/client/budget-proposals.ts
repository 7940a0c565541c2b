// Participatory budget proposals, enhanced: the map of the list (one point per proposal,
// from the page's own data) and the place picker of the form. Without this file the list
// and the typed fields do the same. No text here: messages come from data-* attributes.
import * as L from 'leaflet';

interface Marker {
  id: string;
  lat: number;
  lng: number;
  label: string;
  href?: string;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function outlines(map: L.Map, url: string | undefined, fit: boolean) {
  if (!url) return;
  fetch(url)
    .then((r) => (r.ok ? r.json() : null))
    .then((geojson) => {
      if (!geojson) return;
      const layer = L.geoJSON(geojson, {
        style: { color: '#1f4e9c', weight: 1, fillOpacity: 0.03 },
        interactive: false,
      }).addTo(map);
      if (fit && layer.getBounds().isValid()) map.fitBounds(layer.getBounds());
    })
    .catch(() => undefined);
}

function listMap() {
  const root = document.querySelector<HTMLElement>('[data-budget-map]');
  const section = root?.querySelector<HTMLElement>('[data-map]');
  const canvas = section?.querySelector<HTMLElement>('.map__canvas');
  if (!root || !section || !canvas) return;
  const data = section.dataset;
  section.classList.add('map--ready');
  const map = L.map(canvas).setView([Number(data.lat), Number(data.lng)], Number(data.zoom) || 12);
  if (data.tileUrl)
    L.tileLayer(data.tileUrl, { attribution: data.attribution ?? '', maxZoom: 19 }).addTo(map);
  let markers: Marker[] = [];
  try {
    markers = data.markers ? (JSON.parse(data.markers) as Marker[]) : [];
  } catch {
    markers = [];
  }
  const points: L.LatLngExpression[] = [];
  for (const m of markers) {
    const link = document.createElement('a');
    link.href = m.href ?? '#';
    link.textContent = m.label;
    L.circleMarker([m.lat, m.lng], {
      radius: 7,
      color: '#1f4e9c',
      weight: 2,
      fillColor: '#ffffff',
      fillOpacity: 1,
    })
      .bindPopup(link)
      .addTo(map);
    points.push([m.lat, m.lng]);
  }
  if (points.length > 1) map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 16 });
  else if (points.length === 1) map.setView(points[0]!, 16);
  outlines(map, data.geojsonUrl, points.length === 0);
}

function picker() {
  const root = document.querySelector<HTMLElement>('[data-budget-picker]');
  const canvas = root?.querySelector<HTMLElement>('[data-picker-canvas]');
  const latInput = document.querySelector<HTMLInputElement>('#field-lat');
  const lonInput = document.querySelector<HTMLInputElement>('#field-lon');
  if (!root || !canvas || !latInput || !lonInput) return;
  const status = root.querySelector<HTMLElement>('[data-picker-status]');
  const data = root.dataset;
  for (const el of root.querySelectorAll<HTMLElement>('[data-picker-only]')) el.hidden = false;
  canvas.hidden = false;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-label', data.mapLabel ?? '');
  const map = L.map(canvas, { scrollWheelZoom: false }).setView(
    [Number(data.lat), Number(data.lng)],
    Number(data.zoom) || 12,
  );
  if (data.tileUrl)
    L.tileLayer(data.tileUrl, { attribution: data.attribution ?? '', maxZoom: 19 }).addTo(map);
  outlines(map, data.geojsonUrl, false);
  let marker: L.CircleMarker | null = null;
  const place = (lat: number, lon: number, pan: boolean) => {
    const latText = lat.toFixed(6);
    const lonText = lon.toFixed(6);
    latInput.value = latText;
    lonInput.value = lonText;
    if (marker) marker.setLatLng([lat, lon]);
    else
      marker = L.circleMarker([lat, lon], {
        radius: 9,
        color: '#b3261e',
        weight: 3,
        fillColor: '#ffffff',
        fillOpacity: 1,
      }).addTo(map);
    if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 16));
    if (status) {
      status.hidden = false;
      status.textContent = fill(data.placed ?? '', { lat: latText, lon: lonText });
    }
  };
  const lat = Number(latInput.value.replace(',', '.'));
  const lon = Number(lonInput.value.replace(',', '.'));
  if (latInput.value && lonInput.value && Number.isFinite(lat) && Number.isFinite(lon)) place(lat, lon, true);
  map.on('click', (event: L.LeafletMouseEvent) => place(event.latlng.lat, event.latlng.lng, false));
}

function start() {
  listMap();
  picker();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
