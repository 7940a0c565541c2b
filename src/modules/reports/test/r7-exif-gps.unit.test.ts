/** The EXIF GPS reader shared by the server and the browser: a real JPEG from a "phone", and junk. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegExif, parseExifGps } from '../exif-gps.js';

async function jpegWith(ifd3: Record<string, string> | null): Promise<Buffer> {
  const image = sharp({ create: { width: 32, height: 24, channels: 3, background: '#556677' } }).jpeg();
  return (ifd3 ? image.withExif({ IFD0: { Make: 'TestPhone' }, IFD3: ifd3 }) : image).toBuffer();
}

describe('reading the GPS position of a JPEG, as the browser does (no sharp)', () => {
  it('finds the EXIF segment and reads north/east and south/west positions', async () => {
    const paris = await jpegWith({
      GPSLatitudeRef: 'N',
      GPSLatitude: '48/1 50/1 4632/100',
      GPSLongitudeRef: 'E',
      GPSLongitude: '2/1 20/1 4704/100',
    });
    const exif = jpegExif(new Uint8Array(paris));
    expect(exif).not.toBeNull();
    const position = parseExifGps(exif as Uint8Array);
    expect(position?.lat).toBeCloseTo(48.8462, 4);
    expect(position?.lon).toBeCloseTo(2.3464, 4);

    const santiago = await jpegWith({
      GPSLatitudeRef: 'S',
      GPSLatitude: '33/1 26/1 0/1',
      GPSLongitudeRef: 'W',
      GPSLongitude: '70/1 39/1 0/1',
    });
    const south = parseExifGps(jpegExif(new Uint8Array(santiago)) as Uint8Array);
    expect(south?.lat).toBeCloseTo(-33.4333, 3);
    expect(south?.lon).toBeCloseTo(-70.65, 3);
  });

  it('gives null for a photo without position, a PNG, a cut file or noise — never an exception', async () => {
    const none = await jpegWith(null);
    expect(jpegExif(new Uint8Array(none))).toBeNull();
    const withoutGps = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000000' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'TestPhone' } })
      .toBuffer();
    const exif = jpegExif(new Uint8Array(withoutGps));
    expect(exif).not.toBeNull();
    expect(parseExifGps(exif as Uint8Array)).toBeNull();
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000000' } })
      .png()
      .toBuffer();
    expect(jpegExif(new Uint8Array(png))).toBeNull();

    const good = await jpegWith({
      GPSLatitudeRef: 'N',
      GPSLatitude: '48/1 50/1 0/1',
      GPSLongitudeRef: 'E',
      GPSLongitude: '2/1 20/1 0/1',
    });
    for (let cut = 0; cut < 400; cut += 7) {
      const head = new Uint8Array(good.subarray(0, cut));
      const block = jpegExif(head);
      expect(() => (block ? parseExifGps(block) : null)).not.toThrow();
    }
    const noise = new Uint8Array(4096).map((_, i) => (i * 2654435761) % 251);
    expect(parseExifGps(noise)).toBeNull();
    expect(parseExifGps(new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0xff, 0xff]))).toBeNull();
    // A zero denominator is not a position.
    expect(
      parseExifGps(
        jpegExif(
          new Uint8Array(
            await jpegWith({
              GPSLatitudeRef: 'N',
              GPSLatitude: '48/0 50/1 0/1',
              GPSLongitudeRef: 'E',
              GPSLongitude: '2/1 20/1 0/1',
            }),
          ),
        ) as Uint8Array,
      ),
    ).toBeNull();
  });
});
