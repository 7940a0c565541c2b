/**
 * Open311 dates in a time zone, with the zone's offset memoised per quarter hour: the same text
 * as asking Intl for every instant, across daylight-saving changes and odd offsets.
 */
import { describe, expect, it } from 'vitest';
import { formatW3cDateTime } from '../domain/open311.js';

/** The reference: Intl asked for this very instant. */
function direct(date: Date, timeZone: string): string {
  const time = Math.floor(date.getTime() / 1000) * 1000;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(time))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(
    +parts.year!,
    +parts.month! - 1,
    +parts.day!,
    +parts.hour!,
    +parts.minute!,
    +parts.second!,
  );
  const offset = Math.round((local - time) / 60_000);
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(local).toISOString().slice(0, 19)}${zone}`;
}

describe('formatW3cDateTime in a time zone', () => {
  it('follows Paris across the spring and autumn changes, to the second', () => {
    expect(formatW3cDateTime(new Date('2026-03-29T00:59:59Z'), 'Europe/Paris')).toBe(
      '2026-03-29T01:59:59+01:00',
    );
    expect(formatW3cDateTime(new Date('2026-03-29T01:00:00Z'), 'Europe/Paris')).toBe(
      '2026-03-29T03:00:00+02:00',
    );
    expect(formatW3cDateTime(new Date('2026-10-25T00:59:59Z'), 'Europe/Paris')).toBe(
      '2026-10-25T02:59:59+02:00',
    );
    expect(formatW3cDateTime(new Date('2026-10-25T01:00:00Z'), 'Europe/Paris')).toBe(
      '2026-10-25T02:00:00+01:00',
    );
    expect(formatW3cDateTime(new Date('2026-10-25T01:00:00.999Z'), 'Europe/Paris')).toBe(
      '2026-10-25T02:00:00+01:00',
    );
  });

  it('gives what Intl gives for 5,000 instants in zones with odd offsets and changes', () => {
    const zones = [
      'Europe/Paris',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'America/St_Johns',
      'Asia/Kathmandu',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const from = Date.UTC(2020, 0, 1);
    const span = Date.UTC(2031, 0, 1) - from;
    for (let i = 0; i < 5000; i++) {
      const zone = zones[i % zones.length]!;
      const date = new Date(from + Math.floor(random() * span));
      expect(formatW3cDateTime(date, zone), `${date.toISOString()} ${zone}`).toBe(direct(date, zone));
    }
    // every minute around Lord Howe's half-hour change (2026-04-05 02:00 local daylight time)
    for (let t = Date.UTC(2026, 3, 4, 14, 0); t < Date.UTC(2026, 3, 4, 16, 0); t += 60_000) {
      expect(formatW3cDateTime(new Date(t), 'Australia/Lord_Howe')).toBe(
        direct(new Date(t), 'Australia/Lord_Howe'),
      );
    }
  });
});
