import { describe, expect, it } from 'vitest';
import {
  type CampaignDates,
  type CampaignFormInput,
  campaignFormDays,
  campaignPhase,
  canDecide,
  centsToInput,
  checkCampaignForm,
  checkEnvelopeForm,
  dayOf,
  dayStart,
  isBallotOpenForChanges,
  isSubmissionOpen,
  isVoteOpen,
  parseEuros,
  phaseInfo,
  phaseTimeline,
  proposalReference,
  votingRulesChanged,
} from '../campaign.domain.js';

const at = (iso: string) => new Date(iso);

/** The 2026 demo shape: each phase from its first Paris day to the end of its last one. */
const dates: CampaignDates = {
  submissionStartsAt: at('2026-01-08T23:00:00Z'), // 9 Jan 00:00 Paris
  submissionEndsAt: at('2026-01-29T23:00:00Z'), // end of 29 Jan
  studyStartsAt: at('2026-02-01T23:00:00Z'), // gap on 30–31 Jan
  studyEndsAt: at('2026-08-31T22:00:00Z'),
  voteStartsAt: at('2026-08-31T22:00:00Z'),
  voteEndsAt: at('2026-09-30T22:00:00Z'),
  resultsAt: at('2026-10-05T22:00:00Z'),
  implementationStartsAt: at('2026-11-01T23:00:00Z'),
};

describe('the phase of a campaign at an instant', () => {
  it('is "before" until submission opens, at the exact instant it opens it is submission', () => {
    expect(campaignPhase(dates, at('2025-12-31T12:00:00Z'))).toBe('before');
    expect(campaignPhase(dates, at('2026-01-08T22:59:59.999Z'))).toBe('before');
    expect(campaignPhase(dates, at('2026-01-08T23:00:00Z'))).toBe('submission');
    const info = phaseInfo(dates, at('2026-01-01T00:00:00Z'));
    expect(info).toMatchObject({ previous: null, next: 'submission', endsAt: null });
    expect(info.nextAt?.toISOString()).toBe('2026-01-08T23:00:00.000Z');
  });

  it('closes submission at its end instant (end excluded), then a gap before the study', () => {
    expect(isSubmissionOpen(dates, at('2026-01-29T22:59:59.999Z'))).toBe(true);
    expect(isSubmissionOpen(dates, at('2026-01-29T23:00:00Z'))).toBe(false);
    const gap = phaseInfo(dates, at('2026-01-31T10:00:00Z'));
    expect(gap).toMatchObject({ phase: 'between', previous: 'submission', next: 'study' });
  });

  it('goes through study, vote, results, implementation; the vote closes at its end instant', () => {
    expect(campaignPhase(dates, at('2026-05-01T10:00:00Z'))).toBe('study');
    // study ends the instant the vote starts: no gap.
    expect(campaignPhase(dates, at('2026-08-31T21:59:59Z'))).toBe('study');
    expect(campaignPhase(dates, at('2026-08-31T22:00:00Z'))).toBe('vote');
    expect(isVoteOpen(dates, at('2026-09-30T21:59:59.999Z'))).toBe(true);
    expect(isVoteOpen(dates, at('2026-09-30T22:00:00Z'))).toBe(false);
    expect(phaseInfo(dates, at('2026-10-02T00:00:00Z'))).toMatchObject({
      phase: 'between',
      previous: 'vote',
      next: 'results',
    });
    expect(campaignPhase(dates, at('2026-10-10T00:00:00Z'))).toBe('results');
    const impl = phaseInfo(dates, at('2030-01-01T00:00:00Z'));
    expect(impl).toEqual({
      phase: 'implementation',
      previous: 'implementation',
      next: null,
      nextAt: null,
      endsAt: null,
    });
  });

  it('skips a results phase of zero length', () => {
    const same = { ...dates, implementationStartsAt: dates.resultsAt };
    expect(campaignPhase(same, dates.resultsAt)).toBe('implementation');
  });

  it('gives a timeline with past, current and future phases', () => {
    const timeline = phaseTimeline(dates, at('2026-09-10T10:00:00Z'));
    expect(timeline.map((p) => `${p.name}:${p.state}`)).toEqual([
      'submission:past',
      'study:past',
      'vote:current',
      'results:future',
      'implementation:future',
    ]);
  });

  it('lets the ballot change only before the vote starts and while the rules are not locked', () => {
    expect(isBallotOpenForChanges(dates, at('2026-08-01T00:00:00Z'), null)).toBe(true);
    expect(isBallotOpenForChanges(dates, at('2026-08-01T00:00:00Z'), at('2026-07-01T00:00:00Z'))).toBe(false);
    expect(isBallotOpenForChanges(dates, dates.voteStartsAt, null)).toBe(false);
  });
});

describe('Paris days', () => {
  it('starts a day at midnight Paris time, in winter and in summer', () => {
    expect(dayStart('2026-01-09')?.toISOString()).toBe('2026-01-08T23:00:00.000Z');
    expect(dayStart('2026-07-14')?.toISOString()).toBe('2026-07-13T22:00:00.000Z');
    // The days the clocks change.
    expect(dayStart('2026-03-29')?.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(dayStart('2026-10-25')?.toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('refuses days that do not exist', () => {
    expect(dayStart('2026-02-30')).toBeNull();
    expect(dayStart('2026-13-01')).toBeNull();
    expect(dayStart('26-01-01')).toBeNull();
    expect(dayStart('')).toBeNull();
  });

  it('reads the Paris day of an instant (23:30 UTC on 31 Dec is New Year in Paris)', () => {
    expect(dayOf(at('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
  });
});

describe('money', () => {
  it('reads euros as people type them', () => {
    expect(parseEuros('1500000')).toBe(150_000_000);
    expect(parseEuros('1 500 000')).toBe(150_000_000);
    expect(parseEuros('1\u202f500\u202f000 €')).toBe(150_000_000);
    expect(parseEuros('2,5')).toBe(250);
    expect(parseEuros('2.05')).toBe(205);
    expect(parseEuros('0')).toBe(0);
  });

  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '-5', '1,234,567', '1.234', '1e6', '12345678901234', '<script>']) {
      expect(parseEuros(bad), bad).toBeNull();
    }
  });

  it('shows cents back as typed euros', () => {
    expect(centsToInput(150_000_000)).toBe('1500000');
    expect(centsToInput(250)).toBe('2,50');
    expect(centsToInput(null)).toBe('');
  });
});

const form: CampaignFormInput = {
  slug: '2027',
  title: 'Budget participatif 2027',
  description: '',
  submissionStart: '2027-01-09',
  submissionEnd: '2027-01-29',
  studyStart: '2027-01-30',
  studyEnd: '2027-08-31',
  voteStart: '2027-09-01',
  voteEnd: '2027-09-30',
  resultsDay: '2027-10-05',
  implementationStart: '2027-11-01',
  votingMethod: 'majority_judgment',
  maxChoices: '',
  minSpendPercent: '',
  selectionRule: 'greedy',
};

describe('checking a campaign form', () => {
  it('turns Paris days into phase instants, last days included', () => {
    const result = checkCampaignForm(form);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.values.submissionEndsAt.toISOString()).toBe('2027-01-29T23:00:00.000Z');
    expect(result.values.studyStartsAt.toISOString()).toBe('2027-01-29T23:00:00.000Z');
    expect(result.values.voteEndsAt.toISOString()).toBe('2027-09-30T22:00:00.000Z');
    expect(campaignFormDays(result.values)).toMatchObject({
      submissionEnd: '2027-01-29',
      voteEnd: '2027-09-30',
      resultsDay: '2027-10-05',
    });
  });

  it('refuses overlapping phases, an end before its start, and bad days, each on its field', () => {
    const result = checkCampaignForm({
      ...form,
      studyStart: '2027-01-29',
      voteEnd: '2027-08-01',
      resultsDay: '2027-02-30',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      studyStart: 'budget.campaigns.form.phase_overlap',
      voteEnd: 'budget.campaigns.form.end_before_start',
      resultsDay: 'budget.campaigns.form.date_invalid',
    });
  });

  it('needs a title, a slug of letters and digits, a method, and N for approval', () => {
    const result = checkCampaignForm({
      ...form,
      slug: 'Été 2027!',
      title: ' ',
      votingMethod: 'approval',
      maxChoices: '',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      slug: 'budget.campaigns.form.slug_invalid',
      title: 'budget.campaigns.form.title_required',
      maxChoices: 'budget.campaigns.form.max_choices_required',
    });
    const other = checkCampaignForm({ ...form, votingMethod: 'borda', minSpendPercent: '120' });
    expect(other.ok ? {} : other.errors).toMatchObject({
      votingMethod: 'budget.campaigns.form.method_required',
      minSpendPercent: 'budget.campaigns.form.min_spend_invalid',
    });
    const mes = checkCampaignForm({ ...form, selectionRule: 'equal_shares' });
    expect(mes.ok ? {} : mes.errors).toEqual({
      selectionRule: 'budget.campaigns.form.equal_shares_needs_approval',
    });
  });

  it('says when the voting rules change', () => {
    const result = checkCampaignForm(form);
    if (!result.ok) throw new Error('valid form refused');
    const v = result.values;
    expect(votingRulesChanged(v, { ...v })).toBe(false);
    expect(votingRulesChanged(v, { ...v, maxChoices: 3 })).toBe(true);
    expect(votingRulesChanged(v, { ...v, voteStartsAt: new Date(v.voteStartsAt.getTime() + 1) })).toBe(true);
  });
});

describe('checking an envelope form', () => {
  it('accepts a city-wide envelope in euros', () => {
    expect(
      checkEnvelopeForm({ kind: 'city', code: 'Paris', label: 'Tout Paris', amount: '10 000 000' }),
    ).toEqual({
      ok: true,
      values: { kind: 'city', code: 'paris', label: 'Tout Paris', amountCents: 1_000_000_000 },
    });
  });

  it('refuses a zero amount, a bad code and arrondissements typed by hand', () => {
    const result = checkEnvelopeForm({ kind: 'arrondissement', code: 'a b', label: '', amount: '0' });
    expect(result.ok ? {} : result.errors).toEqual({
      kind: 'budget.campaigns.envelope.kind_required',
      code: 'budget.campaigns.envelope.code_invalid',
      label: 'budget.campaigns.envelope.label_required',
      amount: 'budget.campaigns.envelope.amount_invalid',
    });
  });
});

describe('proposal states', () => {
  it('allows study decisions in order, and corrections', () => {
    expect(canDecide('submitted', 'admissible')).toBe(true);
    expect(canDecide('submitted', 'feasible')).toBe(false);
    expect(canDecide('admissible', 'feasible')).toBe(true);
    expect(canDecide('feasible', 'unfeasible')).toBe(true);
    expect(canDecide('merged', 'unfeasible')).toBe(false);
    expect(canDecide('withdrawn', 'admissible')).toBe(false);
    expect(canDecide('on_ballot', 'inadmissible')).toBe(false);
  });

  it('formats references', () => {
    expect(proposalReference(2026, 42)).toBe('BP-2026-0042');
    expect(proposalReference(2026, 12345)).toBe('BP-2026-12345');
  });
});
