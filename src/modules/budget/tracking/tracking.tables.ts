/** Kysely types of the tracking tables created by `202611260130_budget_tracking`. */
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../../core/db/core-tables.js';
import type { ImplementationStatus } from '../budget.tables.js';
import '../budget.tables.js';

/**
 * PostgreSQL `date`, written as 'YYYY-MM-DD'. The engines read it differently (pg: local
 * midnight, PGlite: UTC midnight), so the store always selects it with to_char as text.
 */
type DateColumn = ColumnType<string, string, string>;

export interface BudgetMilestoneTable {
  id: Generated<string>;
  project_id: string;
  occurred_on: DateColumn;
  reached: Generated<boolean>;
  reached_at: Date | null;
  title: string;
  description: Generated<string>;
  status_to: ImplementationStatus | null;
  progress_after: number | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetMilestonePhotoTable {
  id: Generated<string>;
  milestone_id: string;
  storage_key: string;
  width: number;
  height: number;
  bytes: number;
  position: Generated<number>;
  created_at: CreatedAt;
}

export interface BudgetProjectStatusChangeTable {
  id: Generated<string>;
  project_id: string;
  from_status: ImplementationStatus | null;
  to_status: ImplementationStatus;
  progress_percent: number;
  reason: Generated<string>;
  milestone_id: string | null;
  actor_user_id: string | null;
  created_at: CreatedAt;
}

export interface BudgetProjectFollowerTable {
  project_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface BudgetProjectOptoutTable {
  project_id: string;
  email: string;
  created_at: CreatedAt;
}

declare module '../../../core/db/schema.js' {
  interface Tables {
    budget_milestone: BudgetMilestoneTable;
    budget_milestone_photo: BudgetMilestonePhotoTable;
    budget_project_status_change: BudgetProjectStatusChangeTable;
    budget_project_follower: BudgetProjectFollowerTable;
    budget_project_optout: BudgetProjectOptoutTable;
  }
}
