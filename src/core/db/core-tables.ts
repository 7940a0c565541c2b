import type { ColumnType, Generated } from 'kysely';

/** Written by the database, read as a Date. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AccountUserTable {
  id: Generated<string>;
  email: string | null;
  email_verified_at: Date | null;
  password_hash: string | null;
  display_name: Generated<string>;
  locale: Generated<string>;
  is_admin: Generated<boolean>;
  notify_by_email: Generated<boolean>;
  notify_digest: Generated<boolean>;
  deleted_at: Date | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AccountSessionTable {
  id_hash: string;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
  expires_at: Date;
  user_agent: Generated<string>;
  ip: Generated<string>;
}

export interface AccountTokenTable {
  token_hash: string;
  purpose: 'confirm_email' | 'reset_password' | 'magic_link';
  user_id: string | null;
  email: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface OrgDirectorateTable {
  id: Generated<string>;
  code: string;
  name: string;
  description: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface OrgServiceTable {
  id: Generated<string>;
  directorate_id: string;
  code: string;
  name: string;
  email: Generated<string>;
  area_ids: ColumnType<string[], string[] | undefined, string[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface OrgMembershipTable {
  user_id: string;
  service_id: string;
  role: 'agent' | 'manager';
  created_at: CreatedAt;
}

export interface AreaLayerTable {
  id: string;
  name: string;
  source: Generated<string>;
  feature_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AreaFeatureTable {
  id: Generated<string>;
  layer_id: string;
  code: string;
  name: string;
  properties: ColumnType<Record<string, unknown>, string, string>;
  geometry: ColumnType<unknown, string, string>;
  /** PostgreSQL `box`, written as '((x1,y1),(x2,y2))'. */
  bbox: string;
  created_at: CreatedAt;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_id: string | null;
  actor_label: Generated<string>;
  action: string;
  object_type: Generated<string>;
  object_id: Generated<string>;
  ip: Generated<string>;
  request_id: Generated<string>;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface CoreSettingTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: CreatedAt;
}

declare module './schema.js' {
  interface Tables {
    account_user: AccountUserTable;
    account_session: AccountSessionTable;
    account_token: AccountTokenTable;
    org_directorate: OrgDirectorateTable;
    org_service: OrgServiceTable;
    org_membership: OrgMembershipTable;
    area_layer: AreaLayerTable;
    area_feature: AreaFeatureTable;
    audit_event: AuditEventTable;
    core_setting: CoreSettingTable;
  }
}
