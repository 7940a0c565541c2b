/**
 * Report photos: sniff the real type (never trust the name or the browser's MIME type), refuse
 * what is not a raster photo (SVG, HTML, PDF…), re-encode to JPEG at most 1600 px with no
 * metadata (EXIF, GPS, XMP all dropped), store on disk under `<DATA_DIR>/files/reports/`.
 * `photoGpsPosition` reads the position a phone wrote in the original, so the form can offer it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { DomainError } from '../../core/http/errors.js';
import { parseExifGps } from './exif-gps.js';

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTO_EDGE = 1600;
/** Decoding bombs: a 10 MB PNG can claim billions of pixels. */
const MAX_INPUT_PIXELS = 100_000_000;
/** What sharp reports for the formats we accept (HEIC when the libvips build reads it). */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif']);

export interface ProcessedPhoto {
  jpeg: Buffer;
  width: number;
  height: number;
}

/** A photo file refused; `code` is the i18n key. */
export class PhotoError extends DomainError {
  constructor(code: 'reports.photos.too_large' | 'reports.photos.not_image' | 'reports.photos.too_many') {
    super(code, code === 'reports.photos.too_large' ? 413 : 422);
    this.name = 'PhotoError';
  }
}

/** Checks and re-encodes one upload. Throws PhotoError. */
export async function processPhoto(data: Buffer): Promise<ProcessedPhoto> {
  if (data.length > MAX_PHOTO_BYTES) throw new PhotoError('reports.photos.too_large');
  if (data.length === 0 || looksLikeMarkup(data)) throw new PhotoError('reports.photos.not_image');
  let format: string | undefined;
  try {
    format = (await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch {
    throw new PhotoError('reports.photos.not_image');
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) throw new PhotoError('reports.photos.not_image');
  try {
    const { data: jpeg, info } = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate() // apply the EXIF orientation before the EXIF goes
      .resize(MAX_PHOTO_EDGE, MAX_PHOTO_EDGE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { jpeg, width: info.width, height: info.height };
  } catch {
    throw new PhotoError('reports.photos.not_image');
  }
}

/** SVG and HTML are text: refuse anything whose first bytes are markup, whatever sharp thinks. */
function looksLikeMarkup(data: Buffer): boolean {
  const head = data
    .subarray(0, 512)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  return head.startsWith('<');
}

/** The GPS position recorded in a photo's EXIF, or null. Read from the original upload (the stored copy has none). */
export async function photoGpsPosition(data: Buffer): Promise<{ lat: number; lon: number } | null> {
  let exif: Buffer | undefined;
  try {
    exif = (await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).exif;
  } catch {
    return null;
  }
  return exif ? parseExifGps(exif) : null;
}

function photosDir(dataDir: string): string {
  return path.join(dataDir, 'files', 'reports');
}

/** Writes the JPEG; returns its storage key (a file name, never from user input). */
export async function storePhotoFile(dataDir: string, jpeg: Buffer): Promise<string> {
  const key = `${randomUUID()}.jpg`;
  await mkdir(photosDir(dataDir), { recursive: true });
  await writeFile(path.join(photosDir(dataDir), key), jpeg);
  return key;
}

const STORAGE_KEY = /^[0-9a-f-]{36}\.jpg$/;

export async function readPhotoFile(dataDir: string, key: string): Promise<Buffer | null> {
  if (!STORAGE_KEY.test(key)) return null;
  try {
    return await readFile(path.join(photosDir(dataDir), key));
  } catch {
    return null;
  }
}

export async function deletePhotoFile(dataDir: string, key: string): Promise<void> {
  if (!STORAGE_KEY.test(key)) return;
  await rm(path.join(photosDir(dataDir), key), { force: true });
}
