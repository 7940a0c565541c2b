import { createHash } from 'node:crypto';
import type { CityTheme } from '../config/config.js';

type Rgb = [number, number, number];

function parse(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function format([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function mix(a: Rgb, b: Rgb, weightOfB: number): Rgb {
  return [0, 1, 2].map((i) => a[i]! * (1 - weightOfB) + b[i]! * weightOfB) as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio between two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [l1, l2] = [luminance(parse(a)), luminance(parse(b))].sort((x, y) => y - x) as [number, number];
  return (l1 + 0.05) / (l2 + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];

/** Darkens a colour just enough to reach 4.5:1 on white: links and buttons stay readable whatever the city picks. */
function readableOnWhite(hex: string): string {
  let colour = parse(hex);
  for (let step = 0; step < 20 && contrastRatio(format(colour), '#ffffff') < 4.5; step++) {
    colour = mix(colour, BLACK, 0.1);
  }
  return format(colour);
}

/** The city's colours as CSS custom properties; app.css falls back to its own values without it. */
export function themeStylesheet(city: CityTheme): string {
  const primary = readableOnWhite(city.colours.primary);
  const primaryDark = readableOnWhite(city.colours.primaryDark);
  const accent = city.colours.accent;
  const onPrimary =
    contrastRatio(primary, '#ffffff') >= contrastRatio(primary, '#111111') ? '#ffffff' : '#111111';
  const tint = format(mix(parse(primary), WHITE, 0.9));
  const tintStrong = format(mix(parse(primary), WHITE, 0.8));
  return `:root{--vo-primary:${primary};--vo-primary-dark:${primaryDark};--vo-accent:${accent};--vo-on-primary:${onPrimary};--vo-primary-tint:${tint};--vo-primary-tint-strong:${tintStrong};--vo-info:${primary}}\n`;
}

/** Versioned with a hash of the theme, so it can be cached for long and still change with the configuration. */
export function themeUrl(city: CityTheme): string {
  let url = urls.get(city);
  if (!url) {
    const version = createHash('sha256').update(themeStylesheet(city)).digest('hex').slice(0, 10);
    url = `/theme.css?v=${version}`;
    urls.set(city, url);
  }
  return url;
}

const urls = new WeakMap<CityTheme, string>();
