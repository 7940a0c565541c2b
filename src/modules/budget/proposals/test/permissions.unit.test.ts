import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../../../core/auth/viewer.js';
import { canStudy } from '../part.js';

const viewer = (overrides: Partial<Viewer> = {}): Viewer => ({
  id: 'u',
  email: 'u@example.test',
  displayName: '',
  locale: 'fr',
  isAdmin: false,
  emailVerified: true,
  memberships: [],
  ...overrides,
});

const agentOf = (directorateId: string) =>
  viewer({ memberships: [{ serviceId: 's', serviceName: 'S', directorateId, role: 'agent' }] });

describe('budget.study', () => {
  it('opens the queue to agents and administrators, not to citizens or strangers', () => {
    expect(canStudy(null)).toBe(false);
    expect(canStudy(viewer())).toBe(false);
    expect(canStudy(agentOf('deve'))).toBe(true);
    expect(canStudy(viewer({ isAdmin: true }))).toBe(true);
  });

  it('lets an agent act on the proposals of their own directorate only', () => {
    expect(canStudy(agentOf('deve'), 'deve')).toBe(true);
    expect(canStudy(agentOf('deve'), 'dvd')).toBe(false);
    expect(canStudy(viewer(), 'deve')).toBe(false);
  });

  it('leaves unrouted proposals to administrators', () => {
    expect(canStudy(agentOf('deve'), null)).toBe(false);
    expect(canStudy(viewer({ isAdmin: true }), null)).toBe(true);
  });
});
