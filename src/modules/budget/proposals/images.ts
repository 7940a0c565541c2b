/**
 * Images of proposals: checked and re-encoded by the reports module's photo processing (real
 * type sniffed, SVG/HTML refused, JPEG at most 1600 px without EXIF or GPS), stored on disk
 * under `<DATA_DIR>/files/budget/`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PhotoError, processPhoto } from '../../reports/photos.js';

export const MAX_IMAGES = 3;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export interface ImageUpload {
  filename: string;
  data: Buffer;
}

/** Why an image was refused: an i18n key of this part. */
export type ImageErrorCode =
  | 'budget.proposals.form.image_not_image'
  | 'budget.proposals.form.image_too_large';

/** Re-encodes one upload; throws the i18n key of the problem. */
export async function processImage(
  upload: ImageUpload,
): Promise<{ ok: true; jpeg: Buffer } | { ok: false; code: ImageErrorCode }> {
  if (upload.data.length > MAX_IMAGE_BYTES)
    return { ok: false, code: 'budget.proposals.form.image_too_large' };
  try {
    const photo = await processPhoto(upload.data);
    return { ok: true, jpeg: photo.jpeg };
  } catch (error) {
    if (!(error instanceof PhotoError)) throw error;
    return {
      ok: false,
      code:
        error.code === 'reports.photos.too_large'
          ? 'budget.proposals.form.image_too_large'
          : 'budget.proposals.form.image_not_image',
    };
  }
}

function imagesDir(dataDir: string): string {
  return path.join(dataDir, 'files', 'budget');
}

export async function storeImageFile(dataDir: string, jpeg: Buffer): Promise<string> {
  const key = `${randomUUID()}.jpg`;
  await mkdir(imagesDir(dataDir), { recursive: true });
  await writeFile(path.join(imagesDir(dataDir), key), jpeg);
  return key;
}

const STORAGE_KEY = /^[0-9a-f-]{36}\.jpg$/;

export async function readImageFile(dataDir: string, key: string): Promise<Buffer | null> {
  if (!STORAGE_KEY.test(key)) return null;
  try {
    return await readFile(path.join(imagesDir(dataDir), key));
  } catch {
    return null;
  }
}

export async function deleteImageFile(dataDir: string, key: string): Promise<void> {
  if (!STORAGE_KEY.test(key)) return;
  await rm(path.join(imagesDir(dataDir), key), { force: true });
}
