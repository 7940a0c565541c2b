import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { signedInBrowser } from '../../backoffice/test/helpers.js';

describe('what the reports module gives the core', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => {
    await test.close();
  });

  it('links "my reports" from the account page', async () => {
    const { browser } = await signedInBrowser(test.app, test.core);
    const page = await browser.get('/compte');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/compte/signalements"');
  });

  it('gives a schedule and a demo seed to the entry points', () => {
    const reports = test.core.modules.find((module) => module.name === 'reports');
    expect(typeof reports?.schedule).toBe('function');
    expect(typeof reports?.seedDemo).toBe('function');
  });

  it('shows no module link on the account page when the module is off', async () => {
    const bare = await createTestApp({ MODULES: 'budget' });
    try {
      const { browser } = await signedInBrowser(bare.app, bare.core);
      const page = await browser.get('/compte');
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('/compte/signalements');
    } finally {
      await bare.close();
    }
  });
});
