import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../core/db/core-tables.js';

type Json<T> = ColumnType<T, string | undefined, string>;

export interface ReportCategoryTable {
  id: string;
  parent_id: string | null;
  label: string;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  default_service_id: string | null;
  target_days: number | null;
  extra_questions: Json<unknown[]>;
  active: Generated<boolean>;
  position: Generated<number>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ReportSequenceTable {
  year: number;
  last_value: number;
}

/** PostgreSQL `point`: read as {x, y} (x = longitude, y = latitude), written as '(lon,lat)'. */
export type PointColumn = ColumnType<{ x: number; y: number }, string, string>;

export interface ReportReportTable {
  id: Generated<string>;
  reference: string;
  category_id: string;
  service_id: string | null;
  state: string;
  description: Generated<string>;
  address: Generated<string>;
  location: PointColumn;
  arrondissement_code: string | null;
  arrondissement_name: string | null;
  quartier_code: string | null;
  quartier_name: string | null;
  area_ids: ColumnType<string[], string[] | undefined, string[]>;
  routing: Json<Record<string, unknown>>;
  channel: 'web' | 'open311' | 'backoffice';
  reporter_user_id: string | null;
  reporter_name: Generated<string>;
  reporter_email: Generated<string>;
  reporter_phone: Generated<string>;
  /** The site's language when the report was made (mail to an anonymous reporter); null = unknown. */
  reporter_locale: ColumnType<string | null, string | null | undefined, string | null>;
  attributes: Json<Record<string, unknown>>;
  assigned_agent_id: string | null;
  scheduled_for: Date | null;
  closed_at: Date | null;
  duplicate_of: string | null;
  reason_code: string | null;
  /** The contractor of a report handed to a third party (id from the city's list, or a typed name). */
  third_party_id: ColumnType<string | null, string | null | undefined, string | null>;
  third_party_name: ColumnType<string | null, string | null | undefined, string | null>;
  satisfied: boolean | null;
  api_key_id: string | null;
  idempotency_key: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ReportPhotoTable {
  id: Generated<string>;
  report_id: string;
  kind: 'initial' | 'after_fix';
  status: 'pending' | 'accepted' | 'refused';
  storage_key: string;
  width: number;
  height: number;
  bytes: number;
  created_at: CreatedAt;
}

export interface ReportEventTable {
  id: Generated<number>;
  report_id: string;
  at: CreatedAt;
  kind: string;
  actor_id: string | null;
  public: boolean;
  data: Json<Record<string, unknown>>;
}

export interface ReportFollowerTable {
  report_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface ReportApiKeyTable {
  id: Generated<string>;
  name: string;
  key_hash: string;
  created_by: string | null;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

declare module '../../core/db/schema.js' {
  interface Tables {
    report_category: ReportCategoryTable;
    report_sequence: ReportSequenceTable;
    report_report: ReportReportTable;
    report_photo: ReportPhotoTable;
    report_event: ReportEventTable;
    report_follower: ReportFollowerTable;
    report_api_key: ReportApiKeyTable;
  }
}
