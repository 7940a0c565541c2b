import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Preact escapes every interpolated value: user text is inert. */
export function renderDocument(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}
