/**
 * Public results: /budget/:slug/resultats (every envelope), /resultats/:code (one envelope's
 * chart and table), /resultats/:code.pb and .csv (anonymised ballots), /resultats/schema.json.
 * Shown once published; ballots are frozen from then on, so exports are built once per process.
 */
import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../core/http/errors.js';
import type { App } from '../../../core/http/types.js';
import type { CoreServices } from '../../../core/services.js';
import { writePabulib } from '../pabulib.js';
import type { EnvelopeCount } from './counting.js';
import { csvTableSchema, toCsv, toPabulib } from './exports.js';
import { type CampaignResults, readResults } from './results.service.js';
import { campaignView, envelopeView } from './view-models.js';
import { EnvelopeResultPage, ResultsPage, type ResultView } from './views/results.js';
import { loadVoteCampaign, projectsOf, type VoteCampaign } from './vote.service.js';
import * as store from './vote.store.js';

export function resultViews(vc: VoteCampaign, results: CampaignResults): ResultView[] {
  const titles = new Map(vc.projects.map((p) => [p.id, p.title]));
  return results.envelopes.map((r) => ({
    envelope: envelopeView(r.envelope),
    ballots: r.count.ballots,
    totalCostCents: r.count.totalCostCents,
    winners: r.count.winners,
    projects: r.count.projects.map((p) => ({ ...p, title: titles.get(p.id) ?? String(p.number) })),
    perVoterCents: r.count.perVoterCents,
  }));
}

const exportCache = new Map<string, Promise<string>>();

export async function registerResultPages(app: App, core: CoreServices) {
  const published = async (request: FastifyRequest) => {
    const { slug } = request.params as { slug: string };
    const vc = await loadVoteCampaign(core, slug, request.viewer);
    const results = await readResults(core, vc);
    return { vc, results, publishedAt: results.publishedAt };
  };

  app.get('/budget/:slug/resultats', { schema: { hide: true } }, async (request, reply) => {
    const { vc, results, publishedAt } = await published(request);
    return reply.page(
      <ResultsPage
        ctx={reply.ctx()}
        campaign={campaignView(vc.campaign)}
        results={publishedAt ? resultViews(vc, results) : []}
        rule={vc.campaign.selectionRule}
        publishedAt={publishedAt}
      />,
    );
  });

  app.get('/budget/:slug/resultats/schema.json', { schema: { hide: true } }, async (request, reply) => {
    await published(request);
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(csvTableSchema(), null, 2));
  });

  app.get('/budget/:slug/resultats/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const { vc, results, publishedAt } = await published(request);
    if (!publishedAt) throw new NotFoundError();
    const match = /^(.+?)(?:\.(pb|csv))?$/.exec(file);
    const code = match?.[1] ?? '';
    const extension = match?.[2];
    const result = results.envelopes.find((r) => r.envelope.code === code);
    if (!result) throw new NotFoundError();
    if (!extension) {
      const view = resultViews(vc, { ...results, envelopes: [result] })[0]!;
      return reply.page(
        <EnvelopeResultPage
          ctx={reply.ctx()}
          campaign={campaignView(vc.campaign)}
          result={view}
          rule={vc.campaign.selectionRule}
        />,
      );
    }
    const key = `${vc.campaign.id}:${result.envelope.id}:${extension}:${publishedAt.toISOString()}`;
    let body = exportCache.get(key);
    if (!body) {
      body = buildExport(core, vc, result.envelope.id, result.count, extension as 'pb' | 'csv');
      exportCache.set(key, body);
      body.catch(() => exportCache.delete(key));
    }
    const name = `budget-${vc.campaign.slug}-${result.envelope.code}.${extension}`.replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    );
    return reply
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'public, max-age=3600')
      .type(extension === 'csv' ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8')
      .send(await body);
  });
}

async function buildExport(
  core: CoreServices,
  vc: VoteCampaign,
  envelopeId: string,
  count: EnvelopeCount,
  extension: 'pb' | 'csv',
): Promise<string> {
  const envelope = vc.envelopes.find((e) => e.id === envelopeId)!;
  const projects = projectsOf(vc, envelopeId).map((p) => ({
    id: p.id,
    number: p.number,
    costCents: p.costCents,
    title: p.title,
  }));
  // Majority judgment: every ballot of the envelope's electorate, those that graded nothing
  // there too (all lowest grades), as the count reads them.
  const ballots = await store.envelopeBallots(core.db, vc.campaign.id, envelope, {
    withEmpty: vc.campaign.votingMethod === 'majority_judgment',
  });
  if (extension === 'csv') return toCsv(envelopeView(envelope), projects, ballots);
  return writePabulib(
    toPabulib({
      city: core.config.city.shortName,
      campaign: vc.campaign,
      envelope: envelopeView(envelope),
      projects,
      ballots,
      count,
    }),
  );
}
