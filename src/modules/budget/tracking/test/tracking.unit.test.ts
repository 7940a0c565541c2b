import { describe, expect, it } from 'vitest';
import {
  allowedTargets,
  canMove,
  checkMilestone,
  checkMilestoneEdit,
  checkStatusUpdate,
  cityToday,
  dayInput,
  isLate,
  parseDay,
  parseProgress,
} from '../tracking.domain.js';

describe('status transitions', () => {
  it('goes studies → works → delivered one step at a time, abandoned from any non-final status', () => {
    expect(allowedTargets('studies')).toEqual(['studies', 'works', 'abandoned']);
    expect(allowedTargets('works')).toEqual(['works', 'delivered', 'abandoned']);
    expect(allowedTargets('delivered')).toEqual([]);
    expect(allowedTargets('abandoned')).toEqual([]);
    expect(canMove('studies', 'delivered')).toBe(false);
    expect(canMove('works', 'studies')).toBe(false);
    expect(canMove('delivered', 'abandoned')).toBe(false);
    expect(canMove('abandoned', 'works')).toBe(false);
  });

  it('treats a winner with no status yet as in studies', () => {
    const { update } = checkStatusUpdate({ from: null, fromProgress: 0, to: 'works', progress: '20' });
    expect(update).toMatchObject({ from: 'studies', to: 'works', progress: 20, changed: true });
    expect(checkStatusUpdate({ from: null, fromProgress: 0, to: 'delivered', progress: '' }).errors).toEqual({
      status: 'budget.tracking.errors.transition',
    });
  });

  it('sets a delivered project to 100 whatever was typed', () => {
    const { update } = checkStatusUpdate({
      from: 'works',
      fromProgress: 60,
      to: 'delivered',
      progress: '70',
    });
    expect(update).toMatchObject({ to: 'delivered', progress: 100 });
  });

  it('needs a reason to abandon, keeps the progress, and refuses a second abandon or a change after delivery', () => {
    expect(
      checkStatusUpdate({ from: 'works', fromProgress: 40, to: 'abandoned', progress: '', reason: '  ' })
        .errors,
    ).toEqual({ reason: 'budget.tracking.errors.reason_required' });
    expect(
      checkStatusUpdate({
        from: 'works',
        fromProgress: 40,
        to: 'abandoned',
        progress: '90',
        reason: 'Terrain pris',
      }).update,
    ).toMatchObject({ to: 'abandoned', progress: 40, reason: 'Terrain pris' });
    expect(
      checkStatusUpdate({
        from: 'works',
        fromProgress: 40,
        to: 'abandoned',
        progress: '',
        reason: 'x'.repeat(1001),
      }).errors,
    ).toEqual({ reason: 'budget.tracking.errors.reason_too_long' });
    expect(
      checkStatusUpdate({
        from: 'abandoned',
        fromProgress: 40,
        to: 'abandoned',
        progress: '',
        reason: 'again',
      }).errors,
    ).toEqual({ status: 'budget.tracking.errors.final' });
    expect(
      checkStatusUpdate({ from: 'delivered', fromProgress: 100, to: 'works', progress: '' }).errors,
    ).toEqual({
      status: 'budget.tracking.errors.final',
    });
  });

  it('refuses an unknown status and a progress outside 0–100 or not a whole number', () => {
    expect(
      checkStatusUpdate({ from: 'works', fromProgress: 10, to: 'finished', progress: '' }).errors,
    ).toEqual({
      status: 'budget.tracking.errors.status_unknown',
    });
    for (const bad of ['101', '-1', '12.5', 'abc', '1e2', '<b>50</b>']) {
      expect(
        checkStatusUpdate({ from: 'works', fromProgress: 10, to: 'works', progress: bad }).errors,
      ).toEqual({
        progress: 'budget.tracking.errors.progress_range',
      });
    }
    expect(parseProgress('45 %')).toBe(45);
    expect(parseProgress('0')).toBe(0);
    expect(parseProgress('100')).toBe(100);
  });

  it('says when nothing changes', () => {
    expect(
      checkStatusUpdate({ from: 'works', fromProgress: 30, to: 'works', progress: '30' }).update?.changed,
    ).toBe(false);
    expect(
      checkStatusUpdate({ from: 'works', fromProgress: 30, to: 'works', progress: '' }).update?.changed,
    ).toBe(false);
  });
});

describe('milestones', () => {
  const today = '2026-11-26';
  const base = {
    date: '2026-11-20',
    kind: 'reached',
    title: 'Début des travaux',
    description: '',
    status: '',
    progress: '',
    photoCount: 0,
  };

  it('takes a reached milestone with a status change and the progress after it', () => {
    const { milestone } = checkMilestone(
      { ...base, status: 'works', progress: '25' },
      { status: null, progress: 5 },
      today,
    );
    expect(milestone).toEqual({
      occurredOn: '2026-11-20',
      reached: true,
      title: 'Début des travaux',
      description: '',
      statusTo: 'works',
      progress: 25,
    });
  });

  it('keeps the current progress on a reached milestone that does not set one; delivered means 100', () => {
    expect(checkMilestone(base, { status: 'works', progress: 60 }, today).milestone?.progress).toBe(60);
    expect(
      checkMilestone({ ...base, status: 'delivered' }, { status: 'works', progress: 60 }, today).milestone,
    ).toMatchObject({ statusTo: 'delivered', progress: 100 });
  });

  it('refuses a reached milestone in the future and a planned one in the past', () => {
    expect(
      checkMilestone({ ...base, date: '2026-11-27' }, { status: 'works', progress: 0 }, today).errors,
    ).toEqual({
      date: 'budget.tracking.errors.reached_in_future',
    });
    expect(
      checkMilestone(
        { ...base, kind: 'planned', date: '2026-11-25' },
        { status: 'works', progress: 0 },
        today,
      ).errors,
    ).toEqual({ date: 'budget.tracking.errors.planned_in_past' });
    expect(
      checkMilestone({ ...base, kind: 'planned', date: today }, { status: 'works', progress: 0 }, today)
        .milestone,
    ).toMatchObject({ reached: false, progress: null, statusTo: null });
  });

  it('lets a planned milestone change nothing', () => {
    expect(
      checkMilestone(
        { ...base, kind: 'planned', date: '2027-01-10', status: 'works' },
        { status: 'studies', progress: 0 },
        today,
      ).errors,
    ).toEqual({ status: 'budget.tracking.errors.planned_changes_nothing' });
  });

  it('reports every problem at once', () => {
    const { errors } = checkMilestone(
      {
        date: '2026-02-30',
        kind: 'maybe',
        title: '   ',
        description: 'x'.repeat(5001),
        status: 'abandoned',
        progress: '150',
        photoCount: 4,
      },
      { status: 'studies', progress: 0 },
      today,
    );
    expect(errors).toEqual({
      kind: 'budget.tracking.errors.kind_required',
      date: 'budget.tracking.errors.date_invalid',
      title: 'budget.tracking.errors.title_required',
      description: 'budget.tracking.errors.description_too_long',
      status: 'budget.tracking.errors.status_unknown',
      progress: 'budget.tracking.errors.progress_range',
      photos: 'budget.tracking.errors.too_many_photos',
    });
  });

  it('refuses skipping a status, and a change on a delivered project (a reached milestone alone is fine)', () => {
    expect(
      checkMilestone({ ...base, status: 'delivered' }, { status: 'studies', progress: 0 }, today).errors,
    ).toEqual({ status: 'budget.tracking.errors.transition' });
    expect(
      checkMilestone({ ...base, progress: '50' }, { status: 'delivered', progress: 100 }, today).errors,
    ).toEqual({
      progress: 'budget.tracking.errors.final',
    });
    expect(
      checkMilestone({ ...base, title: 'Inauguration' }, { status: 'delivered', progress: 100 }, today)
        .milestone,
    ).toMatchObject({ statusTo: null, progress: 100 });
  });

  it('cleans the title to one line and keeps the description’s line breaks', () => {
    const { milestone } = checkMilestone(
      { ...base, title: ' Début\n des   travaux ', description: 'Ligne 1\r\nLigne 2\u0007' },
      { status: 'works', progress: 0 },
      today,
    );
    expect(milestone?.title).toBe('Début des travaux');
    expect(milestone?.description).toBe('Ligne 1\nLigne 2');
  });

  it('flags a planned milestone late once its day has passed', () => {
    expect(isLate({ reached: false, occurredOn: '2026-11-25' }, today)).toBe(true);
    expect(isLate({ reached: false, occurredOn: today }, today)).toBe(false);
    expect(isLate({ reached: true, occurredOn: '2020-01-01' }, today)).toBe(false);
  });
});

describe('correcting a milestone', () => {
  const today = '2026-11-26';
  const reached = { reached: true, occurredOn: '2026-10-01' };
  const planned = { reached: false, occurredOn: '2026-11-20' };
  const input = { date: '01/10/2026', title: 'Pose', description: '', photoCount: 0 };

  it('cleans the text and keeps a reached milestone today or before', () => {
    expect(
      checkMilestoneEdit(
        { ...input, title: '  Pose \n des  bancs ', description: ' Fait. \r\n' },
        reached,
        today,
      ),
    ).toEqual({
      milestone: { occurredOn: '2026-10-01', title: 'Pose des bancs', description: 'Fait.' },
      errors: {},
    });
    expect(checkMilestoneEdit({ ...input, date: '27/11/2026' }, reached, today).errors).toEqual({
      date: 'budget.tracking.errors.reached_in_future',
    });
  });

  it('lets a late planned milestone keep its day, but not move to another past day', () => {
    expect(checkMilestoneEdit({ ...input, date: '20/11/2026' }, planned, today).milestone?.occurredOn).toBe(
      '2026-11-20',
    );
    expect(checkMilestoneEdit({ ...input, date: '21/11/2026' }, planned, today).errors).toEqual({
      date: 'budget.tracking.errors.planned_in_past',
    });
    expect(checkMilestoneEdit({ ...input, date: '2026-12-01' }, planned, today).errors).toEqual({});
  });

  it('names every bad field: date, title, description, photos', () => {
    expect(
      checkMilestoneEdit(
        { date: '', title: ' ', description: 'x'.repeat(5001), photoCount: 4 },
        reached,
        today,
      ).errors,
    ).toEqual({
      date: 'budget.tracking.errors.date_required',
      title: 'budget.tracking.errors.title_required',
      description: 'budget.tracking.errors.description_too_long',
      photos: 'budget.tracking.errors.too_many_photos',
    });
    expect(
      checkMilestoneEdit({ ...input, date: '31/02/2026', title: 'y'.repeat(151) }, reached, today).errors,
    ).toEqual({
      date: 'budget.tracking.errors.date_invalid',
      title: 'budget.tracking.errors.title_too_long',
    });
  });
});

describe('days', () => {
  it('reads real calendar days, day first or ISO, never month first nor a two-digit year', () => {
    expect(parseDay('2026-03-15')).toBe('2026-03-15');
    expect(parseDay('15/03/2026')).toBe('2026-03-15');
    expect(parseDay(' 1/7/2026 ')).toBe('2026-07-01');
    expect(parseDay('14.07.2026')).toBe('2026-07-14');
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('29/02/2026')).toBeNull();
    expect(parseDay('07/14/2026')).toBeNull();
    expect(parseDay('15/03/26')).toBeNull();
    expect(parseDay('1999-12-31')).toBeNull();
    expect(parseDay('<script>')).toBeNull();
    expect(dayInput('2026-07-01')).toBe('01/07/2026');
  });

  it('counts today in Paris', () => {
    expect(cityToday(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(cityToday(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
  });
});
