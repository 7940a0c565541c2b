/** Plain data for the views, from the campaign reads. */
import type { Campaign, Envelope, Project } from '../proposals/campaigns.store.js';
import type { CampaignView, EnvelopeView, ProjectView } from './views/common.js';

export function campaignView(campaign: Campaign): CampaignView {
  return {
    slug: campaign.slug,
    title: campaign.title,
    votingMethod: campaign.votingMethod,
    maxChoices: campaign.maxChoices,
    minSpendPercent: campaign.minSpendPercent,
    voteStartsAt: campaign.voteStartsAt,
    voteEndsAt: campaign.voteEndsAt,
  };
}

export function envelopeView(envelope: Envelope): EnvelopeView {
  return {
    id: envelope.id,
    code: envelope.code,
    label: envelope.label,
    kind: envelope.kind,
    amountCents: envelope.amountCents,
  };
}

export function projectView(project: Project): ProjectView {
  return {
    id: project.id,
    number: project.number,
    title: project.title,
    summary: project.summary,
    costCents: project.costCents,
  };
}
