/**
 * Milestone photos: the reports module's checks and re-encoding (real type sniffed, SVG and
 * HTML refused, JPEG at most 1600 px, EXIF and GPS dropped), stored under
 * `<DATA_DIR>/files/budget-milestones/`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PhotoError, type ProcessedPhoto, processPhoto } from '../../reports/photos.js';

export type { ProcessedPhoto };

/** The i18n key of a refused photo, in this part's words. */
export type MilestonePhotoErrorCode =
  | 'budget.tracking.errors.photo_too_large'
  | 'budget.tracking.errors.photo_not_image';

/** Checks and re-encodes one upload; a refused file gives the key of its error. */
export async function processMilestonePhoto(
  data: Buffer,
): Promise<{ photo: ProcessedPhoto } | { error: MilestonePhotoErrorCode }> {
  try {
    return { photo: await processPhoto(data) };
  } catch (error) {
    if (!(error instanceof PhotoError)) throw error;
    return {
      error:
        error.code === 'reports.photos.too_large'
          ? 'budget.tracking.errors.photo_too_large'
          : 'budget.tracking.errors.photo_not_image',
    };
  }
}

function photosDir(dataDir: string): string {
  return path.join(dataDir, 'files', 'budget-milestones');
}

/** Writes the JPEG; returns its storage key (a file name, never from user input). */
export async function storeMilestonePhoto(dataDir: string, jpeg: Buffer): Promise<string> {
  const key = `${randomUUID()}.jpg`;
  await mkdir(photosDir(dataDir), { recursive: true });
  await writeFile(path.join(photosDir(dataDir), key), jpeg);
  return key;
}

const STORAGE_KEY = /^[0-9a-f-]{36}\.jpg$/;

export async function readMilestonePhoto(dataDir: string, key: string): Promise<Buffer | null> {
  if (!STORAGE_KEY.test(key)) return null;
  try {
    return await readFile(path.join(photosDir(dataDir), key));
  } catch {
    return null;
  }
}

export async function deleteMilestonePhoto(dataDir: string, key: string): Promise<void> {
  if (!STORAGE_KEY.test(key)) return;
  await rm(path.join(photosDir(dataDir), key), { force: true });
}
