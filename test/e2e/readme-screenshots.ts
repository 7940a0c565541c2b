/**
 * Refreshes the screenshots shown in the README: `node --import tsx test/e2e/readme-screenshots.ts`.
 * Starts the demo server, photographs the home page (desktop and phone) into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { closeBrowser, closePage, newPage, projectRoot, startServer } from './harness.js';

const outDir = path.join(projectRoot, 'docs', 'screenshots');
mkdirSync(outDir, { recursive: true });
const server = await startServer({ demo: true, postgres: false });
try {
  for (const { name, width, height } of [
    { name: 'home', width: 1280, height: 900 },
    { name: 'home-mobile', width: 375, height: 812 },
  ]) {
    const page = await newPage({ width, height });
    await page.goto(`${server.url}/`);
    await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: false });
    await closePage(page);
    console.log(`docs/screenshots/${name}.png`);
  }
} finally {
  await closeBrowser();
  await server.stop();
}
