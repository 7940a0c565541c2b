import type { BudgetPart } from '../budget.manifest.js';

export const votePart: BudgetPart = {};
