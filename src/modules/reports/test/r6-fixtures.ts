/** Planted reports with known figures, for the statistics and export tests of R6. */
import type { Db } from '../../../core/db/database.js';
import '../reports.tables.js';

const DAY = 86_400_000;
export const NOW = new Date();

/** A label that a CSV writer must quote: delimiter, semicolon, quote and a line break. */
export const TRICKY_LABEL = 'Dépôt; "sauvage", encombrant\nsur trottoir';
export const SECRET = {
  name: 'Zoé Secrète-Personne',
  email: 'zoe.secrete@example.org',
  phone: '06 12 34 56 78',
  description: 'Description libre non modérée: mon voisin Zoé',
};

export interface Planted {
  serviceA: string;
  serviceB: string;
}

export async function plantReports(db: Db): Promise<Planted> {
  const directorate = await db
    .insertInto('org_directorate')
    .values({ code: 'DPE', name: 'Propreté', description: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const serviceA = (
    await db
      .insertInto('org_service')
      .values({ directorate_id: directorate.id, code: 'DPE-A', name: 'Service A', area_ids: [] })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const serviceB = (
    await db
      .insertInto('org_service')
      .values({ directorate_id: directorate.id, code: 'DPE-B', name: 'Service B', area_ids: [] })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const category = (id: string, parent: string | null, label: string, target: number | null) =>
    db
      .insertInto('report_category')
      .values({
        id,
        parent_id: parent,
        label,
        aliases: [],
        default_service_id: null,
        target_days: target,
        extra_questions: '[]',
      })
      .execute();
  await category('3000', null, 'Propreté', 7);
  await category('3001', '3000', TRICKY_LABEL, null);
  await category('4000', null, 'Voirie', 30);
  await category('4001', '4000', 'Nid de poule', null);
  await category('4002', '4001', 'Gros nid', null);

  let sequence = 0;
  const report = (r: {
    category: string;
    service: string | null;
    state: string;
    createdDaysAgo: number;
    fixDays?: number;
    satisfied?: boolean;
    arr: string;
    personal?: boolean;
  }) => {
    sequence++;
    const created = new Date(NOW.getTime() - r.createdDaysAgo * DAY);
    return db
      .insertInto('report_report')
      .values({
        reference: `DMR-2026-${String(sequence).padStart(6, '0')}`,
        category_id: r.category,
        service_id: r.service,
        state: r.state,
        description: r.personal ? SECRET.description : 'x',
        address: '1 rue de Rivoli',
        location: `(${2.35 + sequence / 1000},${48.85 + sequence / 1000})`,
        arrondissement_code: r.arr,
        arrondissement_name: `${r.arr}e arrondissement`,
        quartier_code: null,
        quartier_name: 'Halles',
        area_ids: [],
        routing: '{}',
        channel: 'web',
        reporter_user_id: null,
        reporter_name: r.personal ? SECRET.name : '',
        reporter_email: r.personal ? SECRET.email : '',
        reporter_phone: r.personal ? SECRET.phone : '',
        attributes: '{}',
        assigned_agent_id: null,
        scheduled_for: null,
        closed_at: r.fixDays !== undefined ? new Date(created.getTime() + r.fixDays * DAY) : null,
        duplicate_of: null,
        reason_code: null,
        satisfied: r.satisfied ?? null,
        api_key_id: null,
        idempotency_key: null,
        created_at: created,
        updated_at: created,
      })
      .execute();
  };
  // Five fixed reports: 1, 2, 3, 4 and 10 days → median 3, p90 = 4 + 0.6 × 6 = 7.6 days.
  await report({
    category: '3001',
    service: serviceA,
    state: 'done',
    createdDaysAgo: 100,
    fixDays: 1,
    satisfied: true,
    arr: '1',
    personal: true,
  });
  await report({
    category: '3001',
    service: serviceA,
    state: 'done',
    createdDaysAgo: 90,
    fixDays: 2,
    satisfied: true,
    arr: '1',
  });
  await report({
    category: '3001',
    service: serviceA,
    state: 'done',
    createdDaysAgo: 80,
    fixDays: 3,
    satisfied: false,
    arr: '2',
  });
  await report({
    category: '4001',
    service: serviceB,
    state: 'done',
    createdDaysAgo: 70,
    fixDays: 4,
    arr: '10',
  });
  await report({
    category: '4002',
    service: serviceB,
    state: 'done',
    createdDaysAgo: 60,
    fixDays: 10,
    arr: '10',
  });
  // Open: late (10 days > 7 inherited from Propreté), on time, on time (10 < 30 from Voirie).
  await report({ category: '3001', service: serviceA, state: 'new', createdDaysAgo: 10, arr: '2' });
  await report({
    category: '3001',
    service: serviceA,
    state: 'to_process',
    createdDaysAgo: 1,
    arr: '2',
    personal: true,
  });
  await report({ category: '4002', service: serviceB, state: 'scheduled', createdDaysAgo: 10, arr: '10' });
  // Unrouted and rejected; and an archived one that no statistic or export may count.
  await report({
    category: '4001',
    service: null,
    state: 'rejected',
    createdDaysAgo: 5,
    fixDays: 1,
    arr: '3',
  });
  await report({
    category: '3001',
    service: serviceA,
    state: 'archived',
    createdDaysAgo: 200,
    fixDays: 50,
    satisfied: false,
    arr: '1',
    personal: true,
  });
  return { serviceA, serviceB };
}
