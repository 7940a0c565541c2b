import { type Kysely, sql } from 'kysely';

/**
 * Each campaign routes proposals to directorates by theme with its own map (edited in the
 * campaign's back office) instead of one fixed map in the code. A theme without a row is not
 * routed: its proposals wait for an administrator in the study queue. Existing campaigns get
 * the map the code used until now (copied here, not imported: a migration never changes),
 * for the directorates that exist; deleting a directorate removes its rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table budget_campaign_theme_route (
      campaign_id uuid not null references budget_campaign(id) on delete cascade,
      theme text not null,
      directorate_id uuid not null references org_directorate(id) on delete cascade,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (campaign_id, theme)
    );
    create index budget_campaign_theme_route_directorate on budget_campaign_theme_route(directorate_id);

    insert into budget_campaign_theme_route (campaign_id, theme, directorate_id)
    select c.id, m.theme, d.id
    from budget_campaign c
    cross join (values
      ('cadre_de_vie', 'DVD'), ('environnement', 'DEVE'), ('mobilite', 'DVD'), ('proprete', 'DPE'),
      ('culture', 'DCPA'), ('education', 'DCPA'), ('sport', 'DCPA'), ('solidarite', 'DDCT'),
      ('sante', 'DDCT'), ('economie', 'DAE'), ('citoyennete', 'DDCT'), ('prevention', 'DPMP'),
      ('numerique', 'DSIN')
    ) as m(theme, code)
    join org_directorate d on lower(d.code) = lower(m.code);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists budget_campaign_theme_route;`.execute(db);
}
