/** Kysely types of the budget tables created by `202611260100_budget_init`. */
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../core/db/core-tables.js';

/** PostgreSQL `point`: read as {x, y} (x = longitude, y = latitude), written as '(lon,lat)'. */
type PointColumn = ColumnType<{ x: number; y: number }, string | null | undefined, string | null>;
/** bigint amounts in cents, read as numbers (normalised for both engines). */
type Cents = ColumnType<number, number | bigint, number | bigint>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type VotingMethodName = 'approval' | 'knapsack' | 'majority_judgment';
export type SelectionRuleName = 'greedy' | 'equal_shares';
export type EnvelopeKind = 'city' | 'arrondissement' | 'earmarked';
export type ProposalState =
  | 'submitted'
  | 'admissible'
  | 'inadmissible'
  | 'feasible'
  | 'unfeasible'
  | 'merged'
  | 'on_ballot'
  | 'withdrawn';
export type ImplementationStatus = 'studies' | 'works' | 'delivered' | 'abandoned';

export interface BudgetCampaignTable {
  id: Generated<string>;
  slug: string;
  title: string;
  description: Generated<string>;
  submission_starts_at: Date;
  submission_ends_at: Date;
  study_starts_at: Date;
  study_ends_at: Date;
  vote_starts_at: Date;
  vote_ends_at: Date;
  results_at: Date;
  implementation_starts_at: Date;
  voting_method: VotingMethodName;
  max_choices: number | null;
  min_spend_percent: Generated<number>;
  selection_rule: Generated<SelectionRuleName>;
  eligibility: Generated<string>;
  rules_locked_at: Date | null;
  published: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetEnvelopeTable {
  id: Generated<string>;
  campaign_id: string;
  kind: EnvelopeKind;
  code: string;
  label: string;
  amount_cents: Cents;
  area_id: string | null;
  position: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetProposalTable {
  id: Generated<string>;
  campaign_id: string;
  reference: string;
  envelope_id: string;
  title: string;
  description: string;
  theme: string;
  address: Generated<string>;
  location: PointColumn | null;
  arrondissement_code: string | null;
  estimated_cost_cents: Cents | null;
  state: Generated<ProposalState>;
  directorate_id: string | null;
  study_reason: Generated<string>;
  study_cost_cents: Cents | null;
  studied_by: string | null;
  project_id: string | null;
  supports_count: Generated<number>;
  search: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetProposalAuthorTable {
  proposal_id: string;
  user_id: string | null;
  display_name: string;
  role: 'author' | 'coauthor';
  created_at: CreatedAt;
}

export interface BudgetProposalImageTable {
  id: Generated<string>;
  proposal_id: string;
  storage_key: string;
  alt: Generated<string>;
  position: Generated<number>;
  created_at: CreatedAt;
}

export interface BudgetSupportTable {
  proposal_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface BudgetCommentTable {
  id: Generated<string>;
  proposal_id: string | null;
  project_id: string | null;
  user_id: string | null;
  display_name: string;
  body: string;
  status: Generated<'visible' | 'hidden'>;
  moderation_reason: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetProjectTable {
  id: Generated<string>;
  campaign_id: string;
  envelope_id: string;
  number: number;
  title: string;
  summary: string;
  theme: string;
  address: Generated<string>;
  location: PointColumn | null;
  arrondissement_code: string | null;
  cost_cents: Cents;
  directorate_id: string | null;
  selected: boolean | null;
  implementation_status: ImplementationStatus | null;
  progress_percent: Generated<number>;
  abandoned_reason: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetProposalEventTable {
  id: Generated<string>;
  proposal_id: string;
  kind: string;
  data: Json<Record<string, unknown>>;
  actor_user_id: string | null;
  created_at: CreatedAt;
  /** Order of writing, for events of the same instant. */
  seq: Generated<number>;
}

export interface BudgetSequenceTable {
  campaign_id: string;
  last_value: number;
}

declare module '../../core/db/schema.js' {
  interface Tables {
    budget_campaign: BudgetCampaignTable;
    budget_envelope: BudgetEnvelopeTable;
    budget_proposal: BudgetProposalTable;
    budget_proposal_author: BudgetProposalAuthorTable;
    budget_proposal_image: BudgetProposalImageTable;
    budget_support: BudgetSupportTable;
    budget_comment: BudgetCommentTable;
    budget_project: BudgetProjectTable;
    budget_proposal_event: BudgetProposalEventTable;
    budget_sequence: BudgetSequenceTable;
  }
}
