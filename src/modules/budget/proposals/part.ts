import type { BudgetPart } from '../budget.manifest.js';

export const proposalsPart: BudgetPart = {};
