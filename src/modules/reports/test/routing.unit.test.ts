import { describe, expect, it } from 'vitest';
import { type RoutingService, routeReport } from '../domain/routing.js';

// Cleanliness directorate (DPE): a city-wide unit and one division per arrondissement;
// roads (DVD) with one city-wide section; green spaces (DEVE) with a park sector.
const services: RoutingService[] = [
  { id: 'dpe', code: '108', directorateId: 'DPE', areaIds: [], active: true },
  { id: 'dpe-5', code: 'DPE-05', directorateId: 'DPE', areaIds: ['ar-5'], active: true },
  { id: 'dpe-6', code: 'DPE-06', directorateId: 'DPE', areaIds: ['ar-6'], active: true },
  { id: 'dpe-5-6', code: 'DPE-0506', directorateId: 'DPE', areaIds: ['ar-5', 'ar-6'], active: true },
  { id: 'dpe-q20', code: 'DPE-Q20', directorateId: 'DPE', areaIds: ['qu-20'], active: true },
  { id: 'dpe-13-old', code: 'DPE-13', directorateId: 'DPE', areaIds: ['ar-13'], active: false },
  { id: 'dvd', code: '174', directorateId: 'DVD', areaIds: [], active: true },
  { id: 'dvd-sector-5', code: 'DVD-05', directorateId: 'DVD', areaIds: ['ar-5'], active: true },
  {
    id: 'deve-parks',
    code: 'DEVE-P',
    directorateId: 'DEVE',
    areaIds: ['park-jardin-des-plantes'],
    active: true,
  },
  { id: 'lights', code: '1475', directorateId: 'DVD', areaIds: ['ar-1', 'ar-2'], active: true },
  { id: 'closed', code: '999', directorateId: 'OLD', areaIds: [], active: false },
];

describe('routeReport', () => {
  it('narrows the default service to the division of its directorate covering the point', () => {
    expect(routeReport({ defaultServiceId: 'dpe', services, pointAreaIds: ['qu-19', 'ar-5'] })).toEqual({
      serviceId: 'dpe-5',
      reason: 'sector_in_directorate',
      matchedAreaId: 'ar-5',
    });
  });

  it('never crosses directorates', () => {
    expect(routeReport({ defaultServiceId: 'dvd', services, pointAreaIds: ['ar-6'] })).toEqual({
      serviceId: 'dvd',
      reason: 'default_service_citywide',
      matchedAreaId: null,
    });
  });

  it('prefers the most specific area, then the narrowest service', () => {
    // qu-20 is listed before ar-5: the quartier team wins over the arrondissement division
    expect(
      routeReport({ defaultServiceId: 'dpe', services, pointAreaIds: ['qu-20', 'ar-5'] }).serviceId,
    ).toBe('dpe-q20');
    // dpe-6 covers one area, dpe-5-6 two
    expect(routeReport({ defaultServiceId: 'dpe', services, pointAreaIds: ['ar-6'] }).serviceId).toBe(
      'dpe-6',
    );
  });

  it('keeps the default service when it covers the point itself', () => {
    expect(routeReport({ defaultServiceId: 'lights', services, pointAreaIds: ['ar-2'] })).toEqual({
      serviceId: 'lights',
      reason: 'default_service_covers_point',
      matchedAreaId: 'ar-2',
    });
  });

  it('falls back to the default service when no sector contains the point, saying so', () => {
    expect(routeReport({ defaultServiceId: 'lights', services, pointAreaIds: ['ar-13'] })).toEqual({
      serviceId: 'lights',
      reason: 'default_service_outside_sector',
      matchedAreaId: null,
    });
    // the inactive 13e division is skipped
    expect(routeReport({ defaultServiceId: 'dpe', services, pointAreaIds: ['ar-13'] })).toMatchObject({
      serviceId: 'dpe',
      reason: 'default_service_citywide',
    });
  });

  it('lets an opted-in major service win inside its sector', () => {
    const input = { defaultServiceId: 'dpe', services, majorServiceIds: ['deve-parks'] };
    expect(routeReport({ ...input, pointAreaIds: ['park-jardin-des-plantes', 'ar-5'] })).toEqual({
      serviceId: 'deve-parks',
      reason: 'major_sector',
      matchedAreaId: 'park-jardin-des-plantes',
    });
    expect(routeReport({ ...input, pointAreaIds: ['ar-5'] }).serviceId).toBe('dpe-5');
    // without the opt-in the park sector is ignored
    expect(
      routeReport({ defaultServiceId: 'dpe', services, pointAreaIds: ['park-jardin-des-plantes', 'ar-5'] })
        .serviceId,
    ).toBe('dpe-5');
  });

  it('returns no service when there is no usable default', () => {
    expect(routeReport({ defaultServiceId: null, services, pointAreaIds: ['ar-5'] })).toEqual({
      serviceId: null,
      reason: 'no_default_service',
      matchedAreaId: null,
    });
    expect(routeReport({ defaultServiceId: 'nope', services, pointAreaIds: ['ar-5'] }).reason).toBe(
      'default_service_unknown',
    );
    expect(routeReport({ defaultServiceId: 'closed', services, pointAreaIds: [] })).toEqual({
      serviceId: null,
      reason: 'default_service_inactive',
      matchedAreaId: null,
    });
    // an inactive default still hands over to an active division of its directorate
    const withInactiveDefault = services.map((s) => (s.id === 'dpe' ? { ...s, active: false } : s));
    expect(
      routeReport({ defaultServiceId: 'dpe', services: withInactiveDefault, pointAreaIds: ['ar-5'] }),
    ).toMatchObject({ serviceId: 'dpe-5', reason: 'sector_in_directorate' });
  });
});
