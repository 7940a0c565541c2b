/**
 * The GPS position a camera wrote in a photo's EXIF, read by a small TIFF reader with no
 * dependency: GPS IFD tags 1–4 (N/S, latitude, E/W, longitude as degree/minute/second
 * rationals). Pure and byte-based, so the server (on the upload, before re-encoding drops the
 * EXIF) and the browser (on the chosen file, to offer it on the map) read it the same way.
 * Anything malformed gives null, never an exception.
 */

export interface GpsPosition {
  lat: number;
  lon: number;
}

/** The EXIF block (TIFF header onwards, or with its "Exif\0\0" prefix) → the position, or null. */
export function parseExifGps(exif: Uint8Array): GpsPosition | null {
  try {
    return readGps(exif);
  } catch {
    return null;
  }
}

function readGps(exif: Uint8Array): GpsPosition | null {
  const prefixed = exif.length >= 6 && String.fromCharCode(...exif.subarray(0, 6)) === 'Exif\0\0';
  const tiff = exif.subarray(prefixed ? 6 : 0);
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0] ?? 0, tiff[1] ?? 0);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  if (u16(2) !== 42) return null;
  const entries = (ifd: number) => {
    const count = u16(ifd);
    if (count > 1000) throw new RangeError('implausible IFD');
    const list: { tag: number; type: number; count: number; valueAt: number }[] = [];
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + i * 12;
      list.push({ tag: u16(at), type: u16(at + 2), count: u32(at + 4), valueAt: at + 8 });
    }
    return list;
  };
  const gpsPointer = entries(u32(4)).find((e) => e.tag === 0x8825);
  if (!gpsPointer) return null;
  const gps = entries(u32(gpsPointer.valueAt));
  const ascii = (tag: number) => {
    const e = gps.find((x) => x.tag === tag);
    return e ? String.fromCharCode(tiff[e.valueAt] ?? 0) : null;
  };
  const degrees = (tag: number) => {
    const e = gps.find((x) => x.tag === tag);
    if (e?.type !== 5 || e.count < 3) return null;
    const at = u32(e.valueAt);
    const part = (i: number) => {
      const den = u32(at + i * 8 + 4);
      return den === 0 ? Number.NaN : u32(at + i * 8) / den;
    };
    return part(0) + part(1) / 60 + part(2) / 3600;
  };
  const lat = degrees(2);
  const lon = degrees(4);
  if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  const signedLat = ascii(1) === 'S' ? -lat : lat;
  const signedLon = ascii(3) === 'W' ? -lon : lon;
  if (Math.abs(signedLat) > 90 || Math.abs(signedLon) > 180) return null;
  return { lat: signedLat, lon: signedLon };
}

/** The EXIF block of a JPEG (its APP1 "Exif" segment), or null: the browser has no sharp. */
export function jpegExif(bytes: Uint8Array): Uint8Array | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    // Start of scan or end of image: no metadata past this point.
    if (marker === 0xda || marker === 0xd9) return null;
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    if (length < 2) return null;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1 && body.length >= 6 && String.fromCharCode(...body.subarray(0, 6)) === 'Exif\0\0') {
      return body;
    }
    at += 2 + length;
  }
  return null;
}
