import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { systemActor } from '../../../core/audit/audit.js';
import { seedParisDemo } from '../../../core/seed/paris-demo.js';
import { getCategory, listCategoryTree, seedReportCategories } from '../categories.service.js';

const LEAF = '3405';

describe('the category tree cache', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
    await seedParisDemo(test.core.db, {});
    await seedReportCategories(test.core, systemActor);
  });
  afterAll(async () => {
    await test.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves the same tree again without rebuilding it', async () => {
    const first = await listCategoryTree(test.core);
    expect(await listCategoryTree(test.core)).toBe(first);
  });

  it('sees a change made by another instance once the fingerprint is checked again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const before = await getCategory(test.core, LEAF);
    expect(before?.active).toBe(true);
    // Another instance edits the row (its store bumps updated_at).
    await test.core.db
      .updateTable('report_category')
      .set({ active: false, updated_at: new Date(Date.now() + 1000) })
      .where('id', '=', LEAF)
      .execute();
    expect((await getCategory(test.core, LEAF))?.active).toBe(true);
    vi.setSystemTime(Date.now() + 6_000);
    expect((await getCategory(test.core, LEAF))?.active).toBe(false);
  });
});
