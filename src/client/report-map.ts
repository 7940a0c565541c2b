// The map of reports: clusters with counts when zoomed out, one point per report when zoomed
// in, fed by /api/signalements/clusters with the page's filters. Without this file the page
// shows the list under the map's place. No text here: messages come from data-* attributes.
import * as L from 'leaflet';

interface Cluster {
  lat: number;
  lon: number;
  count: number;
  reference?: string;
  url?: string;
  bbox: { minLat: number; minLon: number; maxLat: number; maxLon: number };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function start() {
  const root = document.querySelector<HTMLElement>('[data-report-map]');
  const section = root?.querySelector<HTMLElement>('[data-map]');
  const canvas = section?.querySelector<HTMLElement>('.map__canvas');
  if (!root || !section || !canvas) return;
  const data = section.dataset;
  section.classList.add('map--ready');

  const map = L.map(canvas).setView([Number(data.lat), Number(data.lng)], Number(data.zoom) || 12);
  let touched = false;
  map.on('movestart', () => {
    touched = true;
  });
  if (data.tileUrl)
    L.tileLayer(data.tileUrl, { attribution: data.attribution ?? '', maxZoom: 19 }).addTo(map);
  if (data.geojsonUrl) {
    fetch(data.geojsonUrl)
      .then((r) => (r.ok ? r.json() : null))
      .then((geojson) => {
        if (!geojson) return;
        const outlines = L.geoJSON(geojson, {
          style: { color: '#1f4e9c', weight: 1, fillOpacity: 0.03 },
          interactive: false,
        }).addTo(map);
        // Show the whole city, unless the person has already moved the map.
        if (!touched && outlines.getBounds().isValid()) map.fitBounds(outlines.getBounds());
      })
      .catch(() => undefined);
  }

  const layer = L.layerGroup().addTo(map);
  const base = root.dataset.clustersUrl ?? '/api/signalements/clusters';
  let request = 0;

  const draw = (clusters: Cluster[]) => {
    layer.clearLayers();
    for (const cluster of clusters) {
      if (cluster.count === 1 && cluster.url) {
        const link = document.createElement('a');
        link.href = cluster.url;
        link.textContent = cluster.reference ?? cluster.url;
        L.circleMarker([cluster.lat, cluster.lon], {
          radius: 7,
          color: '#1f4e9c',
          weight: 2,
          fillColor: '#ffffff',
          fillOpacity: 1,
        })
          .bindPopup(link)
          .addTo(layer);
        continue;
      }
      const size = cluster.count < 10 ? 26 : cluster.count < 100 ? 32 : 40;
      const label = fill(root.dataset.countLabel ?? '{count}', { count: String(cluster.count) });
      const icon = L.divIcon({
        className: 'report-cluster',
        html: `<span aria-hidden="true">${Number(cluster.count)}</span>`,
        iconSize: [size, size],
      });
      const marker = L.marker([cluster.lat, cluster.lon], { icon, title: label, alt: label, keyboard: true });
      marker.on('click', () => {
        const box = cluster.bbox;
        if (box.minLat === box.maxLat && box.minLon === box.maxLon) {
          map.setView([box.minLat, box.minLon], map.getZoom() + 2);
        } else {
          map.fitBounds(
            [
              [box.minLat, box.minLon],
              [box.maxLat, box.maxLon],
            ],
            { padding: [24, 24] },
          );
        }
      });
      marker.addTo(layer);
    }
  };

  const load = () => {
    const bounds = map.getBounds();
    const params = new URLSearchParams({
      minLat: String(Math.max(-90, bounds.getSouth())),
      minLon: String(Math.max(-180, bounds.getWest())),
      maxLat: String(Math.min(90, bounds.getNorth())),
      maxLon: String(Math.min(180, bounds.getEast())),
      zoom: String(Math.round(map.getZoom())),
    });
    const url = `${base}${base.includes('?') ? '&' : '?'}${params.toString()}`;
    const mine = ++request;
    fetch(url, { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : { clusters: [] }))
      .then((body: { clusters: Cluster[] }) => {
        if (mine === request) draw(body.clusters);
      })
      .catch(() => undefined);
  };

  map.on('moveend', load);
  load();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
