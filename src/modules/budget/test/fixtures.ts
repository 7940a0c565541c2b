import { readFileSync } from 'node:fs';
import { type PabulibInstance, parsePabulib } from '../pabulib.js';

/** Test data copied into the project (provenance: test/fixtures/budget/SOURCES.md). */
export const FIXTURES = new URL('../../../../test/fixtures/budget/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function loadInstance(name: string): PabulibInstance {
  return parsePabulib(fixtureText(name));
}

/** The instance as an approval election (ballots counted from VOTES, not the `votes` column). */
export function approvalElection(instance: PabulibInstance) {
  return {
    projects: instance.projects.map((p) => ({ id: p.id, cost: p.cost })),
    ballots: instance.votes.map((v) => v.projectIds),
    budget: instance.budget,
  };
}

export function officialWinners(instance: PabulibInstance): string[] {
  return instance.projects
    .filter((p) => p.selected === 1)
    .map((p) => p.id)
    .sort();
}

export const sorted = (ids: readonly string[]) => [...ids].sort();

export const ASSEN = 'netherlands_assen_2024.pb';
export const WIELICZKA = 'poland_wieliczka_2023_green_budget.pb';
export const WARSZAWA = 'poland_warszawa_2021_bielany.subsample.pb';
export const CZESTOCHOWA = 'poland_czestochowa_2024_podjasnogorska.pb';
