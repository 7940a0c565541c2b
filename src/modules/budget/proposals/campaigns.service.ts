/**
 * Back-office use cases of campaigns and envelopes: create and edit a campaign (its phases
 * and voting rules), publish it, add, change and remove envelopes, one per arrondissement in
 * one click. Administrators only (budget.campaigns.manage). Once the first ballot is cast
 * (rules_locked_at) the voting rules and the envelopes no longer change: refused here with a
 * clear message, and by the database trigger whoever writes the row.
 */
import { type Actor, recordAudit } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { DomainError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { Translate } from '../../../core/i18n/i18n.js';
import { listDirectorates } from '../../../core/org/org.store.js';
import type { CoreServices } from '../../../core/services.js';
import {
  type CampaignFormInput,
  checkCampaignForm,
  checkEnvelopeForm,
  checkThemeRoutesForm,
  type EnvelopeFormInput,
  parseEuros,
  THEMES,
  votingRulesChanged,
} from './campaign.domain.js';
import type { Campaign } from './campaigns.store.js';
import * as campaigns from './campaigns.store.js';

export const RULES_LOCKED = 'budget.campaigns.rules_locked';

/** The trigger's refusal, as raised by PostgreSQL (both engines carry the message). */
export function isRulesLockedError(error: unknown): boolean {
  return error instanceof Error && error.message.includes('budget.campaign.rules_locked');
}

async function managedCampaign(core: CoreServices, viewer: Viewer | null, id: string): Promise<Campaign> {
  core.permissions.assert(viewer, 'budget.campaigns.manage');
  const campaign = await campaigns.findCampaignById(core.db, id);
  if (!campaign) throw new NotFoundError();
  return campaign;
}

export async function createCampaign(
  core: CoreServices,
  viewer: Viewer | null,
  input: CampaignFormInput,
  actor: Actor,
): Promise<Campaign> {
  core.permissions.assert(viewer, 'budget.campaigns.manage');
  const checked = checkCampaignForm(input);
  if (!checked.ok) throw new ValidationError(checked.errors);
  const values = checked.values;
  return core.db.transaction().execute(async (tx) => {
    if (await campaigns.slugTaken(tx, values.slug))
      throw new ValidationError({ slug: 'budget.campaigns.form.slug_taken' });
    const id = await campaigns.insertCampaign(tx, values);
    await recordAudit(tx, actor, {
      action: 'budget.campaign.created',
      objectType: 'budget_campaign',
      objectId: id,
      details: { slug: values.slug, votingMethod: values.votingMethod },
    });
    return (await campaigns.findCampaignById(tx, id))!;
  });
}

export async function updateCampaign(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  input: CampaignFormInput,
  actor: Actor,
): Promise<Campaign> {
  await managedCampaign(core, viewer, campaignId);
  const checked = checkCampaignForm(input);
  if (!checked.ok) throw new ValidationError(checked.errors);
  const values = checked.values;
  try {
    return await core.db.transaction().execute(async (tx) => {
      const current = await campaigns.lockCampaign(tx, campaignId);
      if (!current) throw new NotFoundError();
      if (current.rulesLockedAt && votingRulesChanged(current, values))
        throw new DomainError(RULES_LOCKED, 409);
      if (await campaigns.slugTaken(tx, values.slug, campaignId))
        throw new ValidationError({ slug: 'budget.campaigns.form.slug_taken' });
      await campaigns.updateCampaign(tx, campaignId, values);
      await recordAudit(tx, actor, {
        action: 'budget.campaign.updated',
        objectType: 'budget_campaign',
        objectId: campaignId,
        details: {
          slug: values.slug,
          votingMethod: values.votingMethod,
          maxChoices: values.maxChoices,
          minSpendPercent: values.minSpendPercent,
          selectionRule: values.selectionRule,
          voteStartsAt: values.voteStartsAt.toISOString(),
        },
      });
      return (await campaigns.findCampaignById(tx, campaignId))!;
    });
  } catch (error) {
    if (isRulesLockedError(error)) throw new DomainError(RULES_LOCKED, 409);
    throw error;
  }
}

export async function setPublished(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  published: boolean,
  actor: Actor,
): Promise<void> {
  const campaign = await managedCampaign(core, viewer, campaignId);
  if (published && (await campaigns.listEnvelopes(core.db, campaign.id)).length === 0)
    throw new DomainError('budget.campaigns.publish_needs_envelope');
  if (campaign.published === published) return;
  await core.db.transaction().execute(async (tx) => {
    await campaigns.setCampaignPublished(tx, campaignId, published);
    await recordAudit(tx, actor, {
      action: published ? 'budget.campaign.published' : 'budget.campaign.unpublished',
      objectType: 'budget_campaign',
      objectId: campaignId,
      details: { slug: campaign.slug },
    });
  });
}

function refuseWhenLocked(campaign: Campaign): void {
  // The money of a vote in progress is part of its rules.
  if (campaign.rulesLockedAt) throw new DomainError(RULES_LOCKED, 409);
}

export async function addEnvelope(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  input: EnvelopeFormInput,
  actor: Actor,
): Promise<string> {
  await managedCampaign(core, viewer, campaignId);
  const checked = checkEnvelopeForm(input);
  if (!checked.ok) throw new ValidationError(checked.errors);
  const values = checked.values;
  return core.db.transaction().execute(async (tx) => {
    const campaign = await campaigns.lockCampaign(tx, campaignId);
    if (!campaign) throw new NotFoundError();
    refuseWhenLocked(campaign);
    const errors: Record<string, string> = {};
    if (await campaigns.envelopeCodeTaken(tx, campaignId, values.code))
      errors.code = 'budget.campaigns.envelope.code_taken';
    if (values.kind === 'city' && (await campaigns.hasCityEnvelope(tx, campaignId)))
      errors.kind = 'budget.campaigns.envelope.one_city';
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    const existing = await campaigns.listEnvelopes(tx, campaignId);
    const id = await campaigns.insertEnvelope(tx, campaignId, { ...values, position: existing.length });
    await recordAudit(tx, actor, {
      action: 'budget.envelope.created',
      objectType: 'budget_envelope',
      objectId: id,
      details: { campaignId, kind: values.kind, code: values.code, amountCents: values.amountCents },
    });
    return id;
  });
}

export async function updateEnvelope(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  envelopeId: string,
  input: Omit<EnvelopeFormInput, 'kind'>,
  actor: Actor,
): Promise<void> {
  await managedCampaign(core, viewer, campaignId);
  const envelope = await campaigns.findEnvelope(core.db, campaignId, envelopeId);
  if (!envelope) throw new NotFoundError();
  // Arrondissement codes come from the areas layer: they stay as they are.
  const code = envelope.kind === 'arrondissement' ? envelope.code : input.code;
  const checked = checkEnvelopeForm(
    { ...input, code, kind: envelope.kind },
    { allowArrondissement: envelope.kind === 'arrondissement' },
  );
  if (!checked.ok) throw new ValidationError(checked.errors);
  const values = checked.values;
  await core.db.transaction().execute(async (tx) => {
    const campaign = await campaigns.lockCampaign(tx, campaignId);
    if (!campaign) throw new NotFoundError();
    refuseWhenLocked(campaign);
    if (await campaigns.envelopeCodeTaken(tx, campaignId, values.code, envelopeId))
      throw new ValidationError({ code: 'budget.campaigns.envelope.code_taken' });
    await campaigns.updateEnvelope(tx, envelopeId, values);
    await recordAudit(tx, actor, {
      action: 'budget.envelope.updated',
      objectType: 'budget_envelope',
      objectId: envelopeId,
      details: {
        campaignId,
        code: values.code,
        label: values.label,
        amountCents: values.amountCents,
        previousAmountCents: envelope.amountCents,
      },
    });
  });
}

export async function deleteEnvelope(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  envelopeId: string,
  actor: Actor,
): Promise<void> {
  await managedCampaign(core, viewer, campaignId);
  const envelope = await campaigns.findEnvelope(core.db, campaignId, envelopeId);
  if (!envelope) throw new NotFoundError();
  await core.db.transaction().execute(async (tx) => {
    const campaign = await campaigns.lockCampaign(tx, campaignId);
    if (!campaign) throw new NotFoundError();
    refuseWhenLocked(campaign);
    if ((await campaigns.envelopeUse(tx, envelopeId)) > 0)
      throw new DomainError('budget.campaigns.envelope.in_use', 409);
    await campaigns.deleteEnvelope(tx, envelopeId);
    await recordAudit(tx, actor, {
      action: 'budget.envelope.deleted',
      objectType: 'budget_envelope',
      objectId: envelopeId,
      details: { campaignId, code: envelope.code, label: envelope.label },
    });
  });
}

/**
 * Sets which directorate studies each theme in the campaign. New proposals and proposals
 * whose theme changes are routed with it; proposals already filed stay where they are.
 * Allowed in every phase (the study may need a directorate that did not exist at first).
 */
export async function updateThemeRoutes(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  input: Record<string, string>,
  actor: Actor,
): Promise<void> {
  await managedCampaign(core, viewer, campaignId);
  const directorates = await listDirectorates(core.db);
  const checked = checkThemeRoutesForm(input, new Set(directorates.map((d) => d.id)));
  if (!checked.ok) throw new ValidationError(checked.errors);
  const codes = new Map(directorates.map((d) => [d.id, d.code]));
  await core.db.transaction().execute(async (tx) => {
    const campaign = await campaigns.lockCampaign(tx, campaignId);
    if (!campaign) throw new NotFoundError();
    const before = await campaigns.listThemeRoutes(tx, campaignId);
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    for (const theme of THEMES) {
      const from = before.get(theme) ?? null;
      const to = checked.values[theme];
      if (from !== to)
        changes[theme] = { from: from && (codes.get(from) ?? from), to: to && (codes.get(to) ?? to) };
    }
    if (Object.keys(changes).length === 0) return;
    await campaigns.replaceThemeRoutes(tx, campaignId, checked.values);
    await recordAudit(tx, actor, {
      action: 'budget.campaign.routing_updated',
      objectType: 'budget_campaign',
      objectId: campaignId,
      details: { slug: campaign.slug, changes },
    });
  });
}

/** "1er arrondissement — Louvre", "5e arrondissement — Panthéon", in the admin's language. */
export function arrondissementLabel(t: Translate, code: string, name: string): string {
  return code === '1'
    ? t('budget.campaigns.envelope.arrondissement_label_first', { name })
    : t('budget.campaigns.envelope.arrondissement_label', { code, name });
}

/**
 * One envelope per arrondissement of the city's district layer, each with the same amount
 * (to adjust one by one after); arrondissements that already have one are left as they are.
 * Returns how many were created.
 */
export async function createArrondissementEnvelopes(
  core: CoreServices,
  viewer: Viewer | null,
  campaignId: string,
  amountText: string,
  t: Translate,
  actor: Actor,
): Promise<number> {
  await managedCampaign(core, viewer, campaignId);
  const amountCents = parseEuros(amountText);
  if (!amountText.trim()) throw new ValidationError({ amount: 'budget.campaigns.envelope.amount_required' });
  if (amountCents === null || amountCents <= 0)
    throw new ValidationError({ amount: 'budget.campaigns.envelope.amount_invalid' });
  const layer = core.config.city.districtLayer;
  const areas = (await core.areas.listAreas())
    .filter((a) => a.layerId === layer)
    .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true }));
  if (areas.length === 0) throw new DomainError('budget.campaigns.envelope.no_areas');
  return core.db.transaction().execute(async (tx) => {
    const campaign = await campaigns.lockCampaign(tx, campaignId);
    if (!campaign) throw new NotFoundError();
    refuseWhenLocked(campaign);
    const existing = await campaigns.listEnvelopes(tx, campaignId);
    const codes = new Set(existing.map((e) => e.code));
    let created = 0;
    for (const [i, area] of areas.entries()) {
      if (codes.has(area.code)) continue;
      await campaigns.insertEnvelope(tx, campaignId, {
        kind: 'arrondissement',
        code: area.code,
        label: arrondissementLabel(t, area.code, area.name),
        amountCents,
        areaId: area.id,
        position: i,
      });
      created++;
    }
    await recordAudit(tx, actor, {
      action: 'budget.envelope.arrondissements_created',
      objectType: 'budget_campaign',
      objectId: campaignId,
      details: { created, amountCents, layer },
    });
    return created;
  });
}
