/**
 * The database's tables, as Kysely sees them. Each part of the core and each module adds
 * its own tables to this interface by declaration merging, next to its store.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface Tables {}
