/** Kysely types of the vote tables created by `202611260120_budget_votes`. */
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../../../core/db/core-tables.js';

type Json<T> = ColumnType<T, string, string>;

export type VoteChannel = 'online' | 'booth';
export type BallotState = 'draft' | 'confirmed';
export type ParticipationState = 'declared' | 'draft' | 'confirmed';
export type Declaration = 'live' | 'work' | 'study';

export interface BudgetVoterTable {
  campaign_id: string;
  person_key: string;
  account_key: string | null;
  channel: VoteChannel;
  created_at: CreatedAt;
}

export interface BudgetBallotTable {
  ballot_key: string;
  campaign_id: string;
  channel: VoteChannel;
  arrondissement_envelope_id: string | null;
  state: Generated<BallotState>;
  revision: Generated<number>;
}

export interface BudgetBallotLineTable {
  ballot_key: string;
  campaign_id: string;
  envelope_id: string;
  project_id: string;
  /** Majority judgment: index in PARIS_GRADES (0 = worst); null for a chosen project. */
  grade: number | null;
}

export interface BudgetParticipationTable {
  campaign_id: string;
  user_id: string;
  declaration: Declaration;
  state: Generated<ParticipationState>;
  confirmed_at: Date | null;
  reminded_at: Date | null;
  /** Confirmed and its summary not mailed yet (a worker sends it). */
  summary_due: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface BudgetResultTable {
  campaign_id: string;
  envelope_id: string;
  campaign_ballots: number;
  ballots: number;
  method: string;
  rule: string;
  data: Json<unknown>;
  computed_at: CreatedAt;
  computed_by: string | null;
  published_at: Date | null;
  published_by: string | null;
}

declare module '../../../core/db/schema.js' {
  interface Tables {
    budget_voter: BudgetVoterTable;
    budget_ballot: BudgetBallotTable;
    budget_ballot_line: BudgetBallotLineTable;
    budget_participation: BudgetParticipationTable;
    budget_result: BudgetResultTable;
  }
}
