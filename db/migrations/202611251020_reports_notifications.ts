import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Someone who followed an unsubscribe link of a report's mails: no more mail about it to
    -- that address (an anonymous reporter has no follow row to remove).
    create table report_mail_optout (
      report_id uuid not null references report_report(id) on delete cascade,
      email text not null,
      created_at timestamptz not null default now(),
      primary key (report_id, email)
    );

    -- One digest of late reports per service and day, even with several workers.
    create table report_digest_sent (
      service_id uuid not null references org_service(id) on delete cascade,
      day date not null,
      report_count integer not null,
      created_at timestamptz not null default now(),
      primary key (service_id, day)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table report_digest_sent; drop table report_mail_optout;`.execute(db);
}
