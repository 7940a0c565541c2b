/**
 * Citizen use cases of proposals: propose during the submission phase (with co-authors and
 * images), edit until the deadline while nobody has studied it yet, withdraw, support,
 * comment; the public list (filters, French full-text search, map) and the proposal page with
 * its public history; "my proposals". Permission checks and audit here, SQL in the stores.
 */
import { type Actor, recordAudit } from '../../../core/audit/audit.js';
import type { Viewer } from '../../../core/auth/viewer.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/http/errors.js';
import type { CoreServices } from '../../../core/services.js';
import type { ProposalState } from '../budget.tables.js';
import {
  centsToInput,
  isProposalState,
  isSubmissionOpen,
  isTheme,
  MAX_TITLE,
  parseEuros,
  proposalReference,
  SUPPORTABLE_STATES,
  WITHDRAWABLE_STATES,
  yearOf,
} from './campaign.domain.js';
import type { Campaign, Envelope, LatLon } from './campaigns.store.js';
import * as campaigns from './campaigns.store.js';
import {
  deleteImageFile,
  type ImageUpload,
  MAX_IMAGES,
  processImage,
  readImageFile,
  storeImageFile,
} from './images.js';
import { notifyAuthors } from './notifications.js';
import * as store from './proposals.store.js';

export const MAX_DESCRIPTION = 5000;
export const MAX_ADDRESS = 300;
export const MAX_PUBLIC_NAME = 80;
export const MAX_COAUTHORS = 10;
export const MAX_COMMENT = 2000;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** What the proposal form sends, as typed. */
export interface ProposalFormInput {
  title: string;
  description: string;
  theme: string;
  /** An envelope id, or '' / 'auto' for "the arrondissement of the place". */
  envelope: string;
  address: string;
  lat: string;
  lon: string;
  arrondissement: string;
  estimatedCost: string;
  /** The name shown publicly: a first name, a pseudonym, a group's name; never required. */
  publicName: string;
  /** E-mail addresses of existing accounts, one per line (or separated by commas). */
  coauthors: string;
}

/** Line breaks normalised, control characters dropped, trimmed. */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
      .trim()
  );
}

export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ');
}

const length = (text: string) => [...text].length;

// ——— Campaign visibility ———

/** A campaign the viewer may see: published, or any campaign for those who manage them. */
export async function visibleCampaign(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
): Promise<Campaign> {
  const campaign = await campaigns.findCampaignBySlug(core.db, slug);
  if (!campaign) throw new NotFoundError();
  if (!campaign.published && !core.permissions.can(viewer, 'budget.campaigns.manage'))
    throw new NotFoundError();
  return campaign;
}

// ——— Checking a proposal ———

interface CheckedProposal {
  title: string;
  description: string;
  theme: string;
  envelope: Envelope;
  address: string;
  location: LatLon | null;
  arrondissementCode: string | null;
  estimatedCostCents: number | null;
  publicName: string;
  coauthors: { id: string; email: string }[];
  images: Buffer[];
}

function parseCoordinate(text: string, min: number, max: number): number | null {
  if (!/^[-+]?\d{1,3}([.,]\d+)?$/.test(text)) return null;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) && value >= min && value <= max ? value : null;
}

async function checkProposal(
  core: CoreServices,
  campaign: Campaign,
  input: ProposalFormInput,
  uploads: ImageUpload[],
  options: { keptImages: number; authorId: string; authorEmail: string | null; checkCoauthors: boolean },
): Promise<CheckedProposal> {
  const errors: Record<string, string> = {};
  const title = cleanLine(input.title);
  if (!title) errors.title = 'budget.proposals.form.title_required';
  else if (length(title) > MAX_TITLE) errors.title = 'budget.proposals.form.title_too_long';
  const description = cleanText(input.description);
  if (!description) errors.description = 'budget.proposals.form.description_required';
  else if (length(description) > MAX_DESCRIPTION)
    errors.description = 'budget.proposals.form.description_too_long';
  const theme = input.theme.trim();
  if (!isTheme(theme)) errors.theme = 'budget.proposals.form.theme_required';

  // The place: a pinned or typed point first, else an arrondissement, else an address alone.
  const address = cleanLine(input.address);
  if (length(address) > MAX_ADDRESS) errors.address = 'budget.proposals.form.address_too_long';
  let location: LatLon | null = null;
  let arrondissementCode: string | null = null;
  const layer = core.config.city.districtLayer;
  const latText = input.lat.trim();
  const lonText = input.lon.trim();
  if (latText || lonText) {
    const lat = parseCoordinate(latText, -90, 90);
    const lon = parseCoordinate(lonText, -180, 180);
    if (lat === null) errors.lat = 'budget.proposals.form.bad_latitude';
    if (lon === null) errors.lon = 'budget.proposals.form.bad_longitude';
    if (lat !== null && lon !== null) {
      const area = await core.areas.locateIn(layer, { lat, lon });
      if (!area) errors.lat = 'budget.proposals.form.outside_city';
      else {
        location = { lat, lon };
        arrondissementCode = area.code;
      }
    }
  }
  const chosenArrondissement = input.arrondissement.trim();
  if (chosenArrondissement) {
    const known = (await core.areas.listAreas()).some(
      (a) => a.layerId === layer && a.code === chosenArrondissement,
    );
    if (!known) errors.arrondissement = 'budget.proposals.form.arrondissement_unknown';
    else if (arrondissementCode && arrondissementCode !== chosenArrondissement)
      errors.arrondissement = 'budget.proposals.form.arrondissement_mismatch';
    else arrondissementCode = chosenArrondissement;
  }
  if (!address && !latText && !lonText && !chosenArrondissement)
    errors.address = 'budget.proposals.form.place_required';

  // The envelope: chosen, or the arrondissement's.
  const envelopes = await campaigns.listEnvelopes(core.db, campaign.id);
  let envelope: Envelope | undefined;
  const envelopeChoice = input.envelope.trim();
  if (envelopeChoice === '' || envelopeChoice === 'auto') {
    if (arrondissementCode) {
      envelope = envelopes.find((e) => e.kind === 'arrondissement' && e.code === arrondissementCode);
      if (!envelope) errors.envelope = 'budget.proposals.form.no_arrondissement_envelope';
    } else if (!errors.lat && !errors.arrondissement && !errors.address) {
      errors.envelope = 'budget.proposals.form.envelope_required';
    }
  } else {
    envelope = envelopes.find((e) => e.id === envelopeChoice);
    if (!envelope) errors.envelope = 'budget.proposals.form.envelope_unknown';
    else if (envelope.kind === 'arrondissement' && arrondissementCode && envelope.code !== arrondissementCode)
      errors.envelope = 'budget.proposals.form.envelope_place_mismatch';
    else if (envelope.kind === 'arrondissement' && !arrondissementCode) arrondissementCode = envelope.code;
  }

  let estimatedCostCents: number | null = null;
  if (input.estimatedCost.trim()) {
    estimatedCostCents = parseEuros(input.estimatedCost);
    if (estimatedCostCents === null) errors.estimatedCost = 'budget.proposals.form.cost_invalid';
  }

  const publicName = cleanLine(input.publicName);
  if (length(publicName) > MAX_PUBLIC_NAME) errors.publicName = 'budget.proposals.form.public_name_too_long';

  let coauthors: { id: string; email: string }[] = [];
  if (options.checkCoauthors) {
    const emails = [
      ...new Set(
        input.coauthors
          .split(/[\s,;]+/)
          .map((e) => e.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    if (emails.length > MAX_COAUTHORS) errors.coauthors = 'budget.proposals.form.too_many_coauthors';
    else if (emails.some((e) => e.length > 254 || !EMAIL.test(e)))
      errors.coauthors = 'budget.proposals.form.coauthor_bad_email';
    else if (options.authorEmail && emails.includes(options.authorEmail.toLowerCase()))
      errors.coauthors = 'budget.proposals.form.coauthor_self';
    else {
      const users = await store.usersByEmail(core.db, emails);
      if (users.length !== emails.length) errors.coauthors = 'budget.proposals.form.coauthor_unknown';
      else
        coauthors = users.filter((u) => u.id !== options.authorId).map((u) => ({ id: u.id, email: u.email }));
    }
  }

  const images: Buffer[] = [];
  if (options.keptImages + uploads.length > MAX_IMAGES)
    errors.images = 'budget.proposals.form.too_many_images';
  else {
    for (const upload of uploads) {
      const result = await processImage(upload);
      if (!result.ok) {
        errors.images = result.code;
        break;
      }
      images.push(result.jpeg);
    }
  }

  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return {
    title,
    description,
    theme,
    envelope: envelope!,
    address,
    location,
    arrondissementCode,
    estimatedCostCents,
    publicName,
    coauthors,
    images,
  };
}

/** The directorate that studies a theme in the campaign (the campaign's own map), or null. */
export async function directorateForTheme(
  core: CoreServices,
  campaign: Pick<Campaign, 'id'>,
  theme: string,
): Promise<string | null> {
  if (!isTheme(theme)) return null;
  return campaigns.themeDirectorate(core.db, campaign.id, theme);
}

async function directorateName(core: CoreServices, id: string | null): Promise<string | null> {
  if (!id) return null;
  const row = await core.db
    .selectFrom('org_directorate')
    .select('name')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.name ?? null;
}

// ——— Propose, edit, withdraw ———

export async function proposeProject(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  input: ProposalFormInput,
  uploads: ImageUpload[],
  actor: Actor,
  now: Date = new Date(),
): Promise<{ reference: string; created: boolean }> {
  if (!viewer) throw new DomainError('budget.proposals.sign_in_required', 401);
  const campaign = await visibleCampaign(core, viewer, slug);
  if (!isSubmissionOpen(campaign, now)) throw new DomainError('budget.proposals.submission_closed');
  const checked = await checkProposal(core, campaign, input, uploads, {
    keptImages: 0,
    authorId: viewer.id,
    authorEmail: viewer.email,
    checkCoauthors: true,
  });
  // A second click on "send": the same title by the same person a moment ago is that proposal.
  const recent = await core.db
    .selectFrom('budget_proposal as p')
    .innerJoin('budget_proposal_author as a', 'a.proposal_id', 'p.id')
    .select('p.reference')
    .where('p.campaign_id', '=', campaign.id)
    .where('a.user_id', '=', viewer.id)
    .where('a.role', '=', 'author')
    .where('p.title', '=', checked.title)
    .where('p.created_at', '>', new Date(now.getTime() - 2 * 60_000))
    .executeTakeFirst();
  if (recent) return { reference: recent.reference, created: false };

  const directorateId = await directorateForTheme(core, campaign, checked.theme);
  // Read before the transaction: on the embedded engine a second connection would wait for it.
  const routedTo = (await directorateName(core, directorateId)) ?? '';
  const keys: string[] = [];
  try {
    for (const jpeg of checked.images) keys.push(await storeImageFile(core.config.dataDir, jpeg));
    const result = await core.db.transaction().execute(async (tx) => {
      const year = yearOf(campaign.submissionStartsAt);
      let reference = proposalReference(year, await store.allocateSequence(tx, campaign.id));
      // Another campaign of the same year already used this number: continue after its numbers.
      if (await store.referenceTaken(tx, reference))
        reference = proposalReference(year, await store.skipUsedReferences(tx, campaign.id, `BP-${year}-`));
      const id = await store.insertProposal(tx, {
        campaignId: campaign.id,
        reference,
        envelopeId: checked.envelope.id,
        title: checked.title,
        description: checked.description,
        theme: checked.theme,
        address: checked.address,
        location: checked.location,
        arrondissementCode: checked.arrondissementCode,
        estimatedCostCents: checked.estimatedCostCents,
        directorateId,
      });
      await store.insertAuthor(tx, id, {
        userId: viewer.id,
        displayName: checked.publicName,
        role: 'author',
      });
      for (const c of checked.coauthors)
        await store.insertAuthor(tx, id, { userId: c.id, displayName: '', role: 'coauthor' });
      for (const [i, key] of keys.entries()) await store.insertImage(tx, id, key, i);
      await store.insertEvent(tx, id, 'submitted', {}, viewer.id);
      await store.insertEvent(tx, id, 'routed', { directorate: routedTo }, null);
      await recordAudit(tx, actor, {
        action: 'budget.proposal.submitted',
        objectType: 'budget_proposal',
        objectId: id,
        details: {
          reference,
          campaignId: campaign.id,
          envelopeId: checked.envelope.id,
          theme: checked.theme,
          directorateId,
          coauthors: checked.coauthors.length,
          images: keys.length,
        },
      });
      return { id, reference };
    });
    await notifyAuthors(core, result.id, { kind: 'received' });
    if (checked.coauthors.length > 0)
      await notifyAuthors(core, result.id, {
        kind: 'coauthor_added',
        userIds: checked.coauthors.map((c) => c.id),
      });
    return { reference: result.reference, created: true };
  } catch (error) {
    await Promise.all(keys.map((key) => deleteImageFile(core.config.dataDir, key)));
    throw error;
  }
}

/** A proposal of a visible campaign, by reference; 404 otherwise. */
async function proposalIn(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
): Promise<{ campaign: Campaign; proposal: store.ProposalRecord }> {
  const campaign = await visibleCampaign(core, viewer, slug);
  const proposal = await store.findProposalByReference(core.db, reference);
  if (!proposal || proposal.campaignId !== campaign.id) throw new NotFoundError();
  return { campaign, proposal };
}

export interface EditRights {
  isAuthor: boolean;
  isMainAuthor: boolean;
  /** Why editing is closed (an i18n key), or null when it is open. */
  editClosedReason: string | null;
}

function editRights(
  campaign: Campaign,
  proposal: store.ProposalRecord,
  authors: store.AuthorRecord[],
  viewer: Viewer | null,
  now: Date,
): EditRights {
  const mine = viewer ? authors.find((a) => a.userId === viewer.id) : undefined;
  const editClosedReason = !isSubmissionOpen(campaign, now)
    ? 'budget.proposals.edit.closed'
    : proposal.state !== 'submitted'
      ? 'budget.proposals.edit.under_study'
      : null;
  return { isAuthor: !!mine, isMainAuthor: mine?.role === 'author', editClosedReason };
}

export async function editProposal(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
  input: ProposalFormInput,
  uploads: ImageUpload[],
  removeImageIds: string[],
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  if (!viewer) throw new DomainError('budget.proposals.sign_in_required', 401);
  const { campaign, proposal } = await proposalIn(core, viewer, slug, reference);
  const authors = await store.listAuthors(core.db, proposal.id);
  const rights = editRights(campaign, proposal, authors, viewer, now);
  if (!rights.isAuthor) throw new ForbiddenError();
  if (rights.editClosedReason) throw new DomainError(rights.editClosedReason);
  const existingImages = await store.listImages(core.db, proposal.id);
  const removing = existingImages.filter((i) => removeImageIds.includes(i.id));
  const checked = await checkProposal(core, campaign, input, uploads, {
    keptImages: existingImages.length - removing.length,
    authorId: viewer.id,
    authorEmail: viewer.email,
    checkCoauthors: rights.isMainAuthor,
  });
  const keys: string[] = [];
  const themeChanged = checked.theme !== proposal.theme;
  const directorateId = themeChanged
    ? await directorateForTheme(core, campaign, checked.theme)
    : proposal.directorateId;
  const routedTo = (await directorateName(core, directorateId)) ?? '';
  let added: string[] = [];
  try {
    for (const jpeg of checked.images) keys.push(await storeImageFile(core.config.dataDir, jpeg));
    await core.db.transaction().execute(async (tx) => {
      const locked = await store.lockProposal(tx, proposal.id);
      // An agent may have taken it up between the page and the click.
      if (locked?.state !== 'submitted') throw new DomainError('budget.proposals.edit.under_study');
      await store.updateProposalContent(tx, proposal.id, {
        envelopeId: checked.envelope.id,
        title: checked.title,
        description: checked.description,
        theme: checked.theme,
        address: checked.address,
        location: checked.location,
        arrondissementCode: checked.arrondissementCode,
        estimatedCostCents: checked.estimatedCostCents,
      });
      if (rights.isMainAuthor) {
        await store.setAuthorName(tx, proposal.id, viewer.id, checked.publicName);
        const current = authors.filter((a) => a.role === 'coauthor' && a.userId).map((a) => a.userId!);
        const wanted = checked.coauthors.map((c) => c.id);
        added = wanted.filter((id) => !current.includes(id));
        await store.deleteCoauthors(
          tx,
          proposal.id,
          current.filter((id) => !wanted.includes(id)),
        );
        for (const id of added)
          await store.insertAuthor(tx, proposal.id, { userId: id, displayName: '', role: 'coauthor' });
      }
      await store.deleteImages(
        tx,
        proposal.id,
        removing.map((i) => i.id),
      );
      const kept = existingImages.length - removing.length;
      for (const [i, key] of keys.entries()) await store.insertImage(tx, proposal.id, key, kept + i);
      await store.insertEvent(tx, proposal.id, 'edited', {}, viewer.id);
      if (themeChanged) {
        await store.updateProposalStudy(tx, proposal.id, { directorateId });
        await store.insertEvent(tx, proposal.id, 'routed', { directorate: routedTo }, null);
      }
      await recordAudit(tx, actor, {
        action: 'budget.proposal.edited',
        objectType: 'budget_proposal',
        objectId: proposal.id,
        details: {
          reference: proposal.reference,
          themeChanged,
          imagesAdded: keys.length,
          imagesRemoved: removing.length,
          coauthorsAdded: added.length,
        },
      });
    });
  } catch (error) {
    await Promise.all(keys.map((key) => deleteImageFile(core.config.dataDir, key)));
    throw error;
  }
  await Promise.all(removing.map((i) => deleteImageFile(core.config.dataDir, i.storageKey)));
  if (added.length > 0) await notifyAuthors(core, proposal.id, { kind: 'coauthor_added', userIds: added });
}

export async function withdrawProposal(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
  actor: Actor,
  now: Date = new Date(),
): Promise<void> {
  if (!viewer) throw new DomainError('budget.proposals.sign_in_required', 401);
  const { campaign, proposal } = await proposalIn(core, viewer, slug, reference);
  const authors = await store.listAuthors(core.db, proposal.id);
  if (!authors.some((a) => a.userId === viewer.id && a.role === 'author')) throw new ForbiddenError();
  if (now.getTime() >= campaign.voteStartsAt.getTime())
    throw new DomainError('budget.proposals.withdraw.too_late');
  await core.db.transaction().execute(async (tx) => {
    const locked = await store.lockProposal(tx, proposal.id);
    if (!locked || !WITHDRAWABLE_STATES.includes(locked.state))
      throw new DomainError('budget.proposals.withdraw.not_possible');
    await store.updateProposalStudy(tx, proposal.id, { state: 'withdrawn' });
    await store.insertEvent(tx, proposal.id, 'withdrawn', {}, viewer.id);
    await recordAudit(tx, actor, {
      action: 'budget.proposal.withdrawn',
      objectType: 'budget_proposal',
      objectId: proposal.id,
      details: { reference: proposal.reference, from: locked.state },
    });
  });
}

// ——— Supports and comments ———

export async function setProposalSupport(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
  on: boolean,
  actor: Actor,
  now: Date = new Date(),
): Promise<boolean> {
  if (!viewer) throw new DomainError('budget.proposals.sign_in_required', 401);
  const { campaign, proposal } = await proposalIn(core, viewer, slug, reference);
  if (on) {
    if (now.getTime() >= campaign.voteStartsAt.getTime())
      throw new DomainError('budget.proposals.support.closed');
    if (!SUPPORTABLE_STATES.includes(proposal.state))
      throw new DomainError('budget.proposals.support.not_possible');
  }
  return core.db.transaction().execute(async (tx) => {
    const changed = await store.setSupport(tx, proposal.id, viewer.id, on);
    if (changed)
      await recordAudit(tx, actor, {
        action: on ? 'budget.proposal.supported' : 'budget.proposal.unsupported',
        objectType: 'budget_proposal',
        objectId: proposal.id,
        details: { reference: proposal.reference },
      });
    return changed;
  });
}

export async function commentProposal(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
  input: { body: string; publicName: string },
  actor: Actor,
): Promise<string> {
  if (!viewer) throw new DomainError('budget.proposals.sign_in_required', 401);
  const { proposal } = await proposalIn(core, viewer, slug, reference);
  const errors: Record<string, string> = {};
  const body = cleanText(input.body);
  if (!body) errors.body = 'budget.proposals.comments.body_required';
  else if (length(body) > MAX_COMMENT) errors.body = 'budget.proposals.comments.body_too_long';
  const publicName = cleanLine(input.publicName);
  if (length(publicName) > MAX_PUBLIC_NAME) errors.commentName = 'budget.proposals.form.public_name_too_long';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return core.db.transaction().execute(async (tx) => {
    const id = await store.insertComment(tx, {
      proposalId: proposal.id,
      userId: viewer.id,
      displayName: publicName,
      body,
    });
    await recordAudit(tx, actor, {
      action: 'budget.comment.created',
      objectType: 'budget_comment',
      objectId: id,
      details: { proposal: proposal.reference },
    });
    return id;
  });
}

// ——— Reading ———

export interface PublicComment {
  id: string;
  /** The public name the person gave, or '' (shown as anonymous). */
  name: string;
  body: string;
  hidden: boolean;
  moderationReason: string;
  at: Date;
}

export interface ProposalPage {
  campaign: Campaign;
  envelope: Envelope | null;
  proposal: store.ProposalRecord;
  /** Public names of the authors (empty names left out) and how many co-authors there are. */
  authorNames: string[];
  coauthorCount: number;
  images: { id: string; url: string }[];
  history: store.EventRecord[];
  comments: PublicComment[];
  supported: boolean;
  canSupport: boolean;
  canComment: boolean;
  canWithdraw: boolean;
  rights: EditRights;
  /** The project this proposal became, when it is on the ballot. */
  project: { number: number; title: string } | null;
}

export function imageUrl(id: string): string {
  return `/budget/images/${id}`;
}

export async function getProposalPage(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
  now: Date = new Date(),
): Promise<ProposalPage> {
  const { campaign, proposal } = await proposalIn(core, viewer, slug, reference);
  const [envelope, authors, images, history, comments, supported, project] = await Promise.all([
    campaigns.findEnvelope(core.db, campaign.id, proposal.envelopeId),
    store.listAuthors(core.db, proposal.id),
    store.listImages(core.db, proposal.id),
    store.listEvents(core.db, proposal.id),
    store.listComments(core.db, proposal.id),
    viewer ? store.hasSupport(core.db, proposal.id, viewer.id) : Promise.resolve(false),
    proposal.projectId ? campaigns.findProjectById(core.db, proposal.projectId) : Promise.resolve(null),
  ]);
  const rights = editRights(campaign, proposal, authors, viewer, now);
  const beforeVote = now.getTime() < campaign.voteStartsAt.getTime();
  return {
    campaign,
    envelope,
    proposal,
    authorNames: authors.filter((a) => a.displayName.trim()).map((a) => a.displayName),
    coauthorCount: authors.filter((a) => a.role === 'coauthor').length,
    images: images.map((i) => ({ id: i.id, url: imageUrl(i.id) })),
    history,
    comments: comments.map((c) => ({
      id: c.id,
      name: c.displayName,
      body: c.status === 'hidden' ? '' : c.body,
      hidden: c.status === 'hidden',
      moderationReason: c.status === 'hidden' ? c.moderationReason : '',
      at: c.createdAt,
    })),
    supported,
    canSupport: !!viewer && beforeVote && (supported || SUPPORTABLE_STATES.includes(proposal.state)),
    canComment: !!viewer,
    canWithdraw: rights.isMainAuthor && beforeVote && WITHDRAWABLE_STATES.includes(proposal.state),
    rights,
    project: project ? { number: project.number, title: project.title } : null,
  };
}

export interface ProposalFilters {
  envelopeId?: string;
  theme?: string;
  state?: string;
  q?: string;
}

/** States shown when no state is asked for: everything but withdrawn proposals. */
export const LISTED_STATES: readonly ProposalState[] = [
  'submitted',
  'admissible',
  'inadmissible',
  'feasible',
  'unfeasible',
  'merged',
  'on_ballot',
];

export const MAP_LIMIT = 1000;

function toQuery(campaign: Campaign, filters: ProposalFilters): store.ProposalQuery {
  return {
    campaignId: campaign.id,
    states: filters.state && isProposalState(filters.state) ? [filters.state] : LISTED_STATES,
    envelopeId: filters.envelopeId && campaigns.isUuid(filters.envelopeId) ? filters.envelopeId : undefined,
    theme: filters.theme && isTheme(filters.theme) ? filters.theme : undefined,
    text: filters.q?.trim().slice(0, 200) || undefined,
  };
}

export async function listProposals(
  core: CoreServices,
  campaign: Campaign,
  filters: ProposalFilters,
  page: { page: number; pageSize: number },
): Promise<{
  items: (store.ProposalSummaryRow & { authors: string[] })[];
  total: number;
  points: { reference: string; title: string; location: LatLon }[];
}> {
  const query = toQuery(campaign, filters);
  const pageSize = Math.min(Math.max(Math.trunc(page.pageSize) || 20, 1), 100);
  const pageNumber = Math.max(Math.trunc(page.page) || 1, 1);
  const [{ rows, total }, points] = await Promise.all([
    store.selectProposalPage(core.db, query, { offset: (pageNumber - 1) * pageSize, limit: pageSize }),
    store.selectProposalPoints(core.db, query, MAP_LIMIT),
  ]);
  const names = await store.authorNames(
    core.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => ({ ...r, authors: names.get(r.id) ?? [] })), total, points };
}

export async function myProposals(core: CoreServices, viewer: Viewer | null) {
  if (!viewer) throw new ForbiddenError();
  return store.selectProposalsOfUser(core.db, viewer.id);
}

/** An image's JPEG: public once its campaign is published, else for those who manage campaigns. */
export async function imageFile(
  core: CoreServices,
  viewer: Viewer | null,
  id: string,
): Promise<Buffer | null> {
  const image = await store.findImage(core.db, id);
  if (!image) return null;
  if (!image.published && !core.permissions.can(viewer, 'budget.campaigns.manage')) return null;
  return readImageFile(core.config.dataDir, image.storageKey);
}

/** The values of the edit form, from the stored proposal. */
export async function editFormValues(
  core: CoreServices,
  viewer: Viewer | null,
  slug: string,
  reference: string,
): Promise<{
  page: ProposalPage;
  values: ProposalFormInput;
  images: { id: string; url: string }[];
}> {
  const page = await getProposalPage(core, viewer, slug, reference);
  if (!page.rights.isAuthor) throw new ForbiddenError();
  const authors = await store.listAuthors(core.db, page.proposal.id);
  const mine = authors.find((a) => a.userId === viewer?.id);
  const coauthorIds = authors.filter((a) => a.role === 'coauthor' && a.userId).map((a) => a.userId!);
  const emails =
    coauthorIds.length > 0
      ? await core.db.selectFrom('account_user').select('email').where('id', 'in', coauthorIds).execute()
      : [];
  const p = page.proposal;
  return {
    page,
    images: page.images,
    values: {
      title: p.title,
      description: p.description,
      theme: p.theme,
      envelope: p.envelopeId,
      address: p.address,
      lat: p.location ? p.location.lat.toFixed(6) : '',
      lon: p.location ? p.location.lon.toFixed(6) : '',
      arrondissement: p.location ? '' : (p.arrondissementCode ?? ''),
      estimatedCost: centsToInput(p.estimatedCostCents),
      publicName: mine?.displayName ?? '',
      // Co-authors see the list only as the main author manages it.
      coauthors: page.rights.isMainAuthor ? emails.map((e) => e.email ?? '').join('\n') : '',
    },
  };
}
