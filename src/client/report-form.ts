// The report form, enhanced: a map to pin the place, "use my position", and a live filter of
// the categories. Without this file the form works the same with typed fields. No text here:
// every message comes from data-* attributes written by the server in the page's language.
import * as L from 'leaflet';
import { jpegExif, parseExifGps } from '../modules/reports/exif-gps.js';

function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/g, 'oe')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

function picker() {
  const root = document.querySelector<HTMLElement>('[data-report-picker]');
  const canvas = root?.querySelector<HTMLElement>('[data-picker-canvas]');
  const latInput = document.querySelector<HTMLInputElement>('#field-lat');
  const lonInput = document.querySelector<HTMLInputElement>('#field-lon');
  if (!root || !canvas || !latInput || !lonInput) return;
  const status = root.querySelector<HTMLElement>('[data-picker-status]');
  const locate = root.querySelector<HTMLButtonElement>('[data-locate]');
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

  let marker: L.CircleMarker | null = null;
  const photoChoice = (value: '0' | '1') => {
    const radio = document.querySelector<HTMLInputElement>(
      `input[name="usePhotoPosition"][value="${value}"]`,
    );
    if (radio) radio.checked = true;
  };
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
    if (pan) map.setView([lat, lon], Math.max(map.getZoom(), 17));
    if (status) {
      status.hidden = false;
      status.textContent = fill(data.placed ?? '', { lat: latText, lon: lonText });
    }
  };

  const typedLat = Number(latInput.value.replace(',', '.'));
  const typedLon = Number(lonInput.value.replace(',', '.'));
  if (latInput.value && lonInput.value && Number.isFinite(typedLat) && Number.isFinite(typedLon)) {
    place(typedLat, typedLon, true);
  }

  // A pin put by hand is the place: the photo's position, if offered, is then declined.
  map.on('click', (event: L.LeafletMouseEvent) => {
    place(event.latlng.lat, event.latlng.lng, false);
    photoChoice('0');
  });

  // The server offered the photo's position (no JavaScript needed): choosing it shows it here.
  const offered = document.querySelector<HTMLElement>('[data-photo-position]');
  if (offered) {
    const lat = Number(offered.dataset.lat);
    const lon = Number(offered.dataset.lng);
    for (const radio of offered.querySelectorAll<HTMLInputElement>('input[name="usePhotoPosition"]')) {
      radio.addEventListener('change', () => {
        if (radio.checked && radio.value === '1' && Number.isFinite(lat) && Number.isFinite(lon)) {
          place(lat, lon, true);
        }
      });
      if (radio.checked && radio.value === '1') place(lat, lon, true);
    }
  }

  // A photo chosen with a position in it: offer that position, never take it silently.
  const usePhoto = document.querySelector<HTMLButtonElement>('[data-use-photo-position]');
  const offer = document.querySelector<HTMLElement>('[data-photo-position-offer]');
  const files = document.querySelector<HTMLInputElement>('input[type="file"][name="photos"]');
  if (usePhoto && offer && files && typeof Blob.prototype.arrayBuffer === 'function') {
    let found: { lat: number; lon: number } | null = null;
    usePhoto.addEventListener('click', () => {
      if (!found) return;
      place(found.lat, found.lon, true);
      photoChoice('0');
      // The map is above, at the place step: bring it into view with its pin.
      canvas.scrollIntoView({ block: 'center' });
    });
    files.addEventListener('change', async () => {
      found = null;
      for (const file of Array.from(files.files ?? [])) {
        // The EXIF sits at the start of a JPEG: no need to read a 10 MB file whole.
        const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
        const exif = jpegExif(head);
        found = exif ? parseExifGps(exif) : null;
        if (found) break;
      }
      offer.hidden = !found;
      if (found) {
        usePhoto.textContent = fill(data.photoFound ?? '', {
          lat: found.lat.toFixed(5),
          lon: found.lon.toFixed(5),
        });
      }
    });
  }

  if (locate && 'geolocation' in navigator) {
    locate.hidden = false;
    locate.addEventListener('click', () => {
      if (status) {
        status.hidden = false;
        status.textContent = data.locating ?? '';
      }
      navigator.geolocation.getCurrentPosition(
        (position) => {
          place(position.coords.latitude, position.coords.longitude, true);
          photoChoice('0');
        },
        () => {
          if (status) status.textContent = data.locateFailed ?? '';
        },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    });
  }
}

/** Filters the category radios as one types; the server-side search stays for everyone else. */
function categoryFilter() {
  const input = document.querySelector<HTMLInputElement>('#field-q');
  const tree = document.querySelector<HTMLElement>('[data-category-tree]');
  const count = document.querySelector<HTMLElement>('[data-category-count]');
  if (!input || !tree) return;
  let timer: number | undefined;
  const apply = () => {
    const words = normalise(input.value).split(' ').filter(Boolean);
    let shown = 0;
    for (const group of tree.querySelectorAll<HTMLDetailsElement>('[data-category-group]')) {
      let inGroup = 0;
      for (const choice of group.querySelectorAll<HTMLElement>('[data-search]')) {
        const haystack = (choice.dataset.search ?? '').split(' ');
        const match = words.every((w) => haystack.some((h) => h.startsWith(w)));
        const checked = choice.querySelector<HTMLInputElement>('input')?.checked ?? false;
        choice.hidden = !match && !checked;
        if (!choice.hidden) inGroup++;
      }
      group.hidden = inGroup === 0;
      if (words.length > 0) group.open = inGroup > 0;
      shown += inGroup;
    }
    if (count)
      count.textContent =
        words.length > 0 ? fill(count.dataset.template ?? '', { count: String(shown) }) : '';
  };
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(apply, 150);
  });
  // Enter in the search box filters here instead of sending the whole form.
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply();
    }
  });
}

/**
 * A category with questions: redraw the form (everything typed comes back) so that its
 * questions appear at once, instead of as an extra step after sending. Not when photos are
 * chosen, since a file input cannot be filled back: the server's step handles that case.
 */
function questionsOnChoice() {
  const tree = document.querySelector<HTMLElement>('[data-category-tree]');
  const show = document.querySelector<HTMLButtonElement>('[data-show-questions]');
  const questionsFor = document.querySelector<HTMLInputElement>('input[name="questionsFor"]');
  if (!tree || !show) return;
  tree.addEventListener('change', (event) => {
    const radio = event.target as HTMLInputElement;
    if (radio.name !== 'categoryId' || radio.dataset.hasQuestions !== 'true') return;
    if (questionsFor && questionsFor.value === radio.value) return;
    const files = document.querySelector<HTMLInputElement>('input[type="file"]');
    if (files?.files && files.files.length > 0) return;
    const form = radio.form;
    if (!form) return;
    form.action = `${form.getAttribute('action') ?? ''}#questions`;
    show.click();
  });
}

function start() {
  picker();
  categoryFilter();
  questionsOnChoice();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
