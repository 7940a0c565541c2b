/**
 * Pabulib `.pb` files (pabulib.org): parse a file's text into a typed instance, and write an
 * instance back to text. No I/O: string in, string out.
 *
 * Format: three sections, `META`, `PROJECTS`, `VOTES`, each a title line, a header line and
 * `;`-separated rows, quoted as CSV (`"a;b"`, `""` for a quote). Accepted as in real files:
 * CRLF and LF mixed, spaces around fields, section titles in any case, empty lines, `none`
 * for an absent value in PROJECTS and VOTES, decimal commas in costs. Ids stay strings.
 */

export type PabulibVoteType = 'approval' | 'ordinal' | 'cumulative' | 'scoring' | 'choose-1';

const VOTE_TYPES: readonly PabulibVoteType[] = ['approval', 'ordinal', 'cumulative', 'scoring', 'choose-1'];

/** Typed PROJECTS columns; any other column is kept as text in `extra`. */
const PROJECT_FIELDS = ['project_id', 'cost', 'name', 'votes', 'score', 'selected'] as const;
/** Typed VOTES columns; any other column (age, sex, voting_method…) is kept in `extra`. */
const VOTE_FIELDS = ['voter_id', 'vote', 'points'] as const;

export interface PabulibProject {
  readonly id: string;
  readonly cost: number;
  readonly name?: string;
  /** Supporters, as published (may describe another electorate: check against the VOTES). */
  readonly votes?: number;
  /** Total points, for points ballots. */
  readonly score?: number;
  /** 1 = won under the official rule, 0 = not, 2 = special case explained in `comment`. */
  readonly selected?: number;
  readonly extra: Readonly<Record<string, string>>;
}

export interface PabulibBallot {
  readonly voterId: string;
  /** Project ids: a set for approval, most preferred first for ordinal, in `points` order otherwise. */
  readonly projectIds: readonly string[];
  /** Points given to `projectIds[i]` (cumulative and scoring). */
  readonly points?: readonly number[];
  readonly extra: Readonly<Record<string, string>>;
}

export interface PabulibInstance {
  /** Every META entry as text, in file order. */
  readonly meta: Readonly<Record<string, string>>;
  readonly voteType: PabulibVoteType;
  readonly budget: number;
  readonly projectColumns: readonly string[];
  readonly projects: readonly PabulibProject[];
  readonly voteColumns: readonly string[];
  readonly votes: readonly PabulibBallot[];
}

export class PabulibParseError extends Error {
  constructor(
    readonly code: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${code} (line ${line}): ${detail}`);
    this.name = 'PabulibParseError';
  }
}

interface Row {
  readonly line: number;
  readonly fields: string[];
}

/** Split the whole text into rows of fields (a quoted field may hold `;`, quotes or newlines). */
function tokenize(text: string): Row[] {
  const rows: Row[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let rowLine = 1;
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
  };
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (ch === ';') endField();
    else if (ch === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else if (ch === '\r') {
      if (source[i + 1] !== '\n') {
        endRow();
        line++;
        rowLine = line;
      }
    } else if (!(wasQuoted && (ch === ' ' || ch === '\t'))) field += ch;
  }
  if (quoted)
    throw new PabulibParseError('budget.pabulib.unclosed_quote', line, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

function parseNumber(text: string, row: Row, what: string): number {
  const value = Number(text.replace(',', '.'));
  if (text === '' || !Number.isFinite(value)) {
    throw new PabulibParseError('budget.pabulib.not_a_number', row.line, `${what}: "${text}"`);
  }
  return value;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const absent = (value: string | undefined) =>
  value === undefined || value === '' || value.toLowerCase() === 'none';

export function parsePabulib(text: string): PabulibInstance {
  const rows = tokenize(text);
  const sections = new Map<string, { header: Row; rows: Row[] }>();
  let current: { header: Row | undefined; rows: Row[] } | undefined;
  let order: string[] = [];
  for (const row of rows) {
    const title = row.fields.length === 1 ? row.fields[0]!.toLowerCase() : '';
    if (title === 'meta' || title === 'projects' || title === 'votes') {
      if (sections.has(title))
        throw new PabulibParseError('budget.pabulib.duplicate_section', row.line, title);
      current = { header: undefined, rows: [] };
      sections.set(title, current as { header: Row; rows: Row[] });
      order = [...order, title];
    } else if (!current) {
      throw new PabulibParseError(
        'budget.pabulib.missing_section',
        row.line,
        'the file must start with META',
      );
    } else if (!current.header) current.header = row;
    else current.rows.push(row);
  }
  for (const name of ['meta', 'projects', 'votes']) {
    const section = sections.get(name);
    if (!section?.header)
      throw new PabulibParseError('budget.pabulib.missing_section', rows.at(-1)?.line ?? 1, name);
  }
  if (order.join() !== 'meta,projects,votes') {
    throw new PabulibParseError('budget.pabulib.section_order', 1, order.join(', '));
  }

  const metaSection = sections.get('meta')!;
  const meta: Record<string, string> = {};
  for (const row of metaSection.rows) {
    const key = row.fields[0]!;
    if (key in meta) throw new PabulibParseError('budget.pabulib.duplicate_meta', row.line, key);
    meta[key] = row.fields.slice(1).join(';');
  }
  const voteType = (meta.vote_type ?? '').toLowerCase() as PabulibVoteType;
  if (!VOTE_TYPES.includes(voteType)) {
    throw new PabulibParseError(
      'budget.pabulib.unknown_vote_type',
      metaSection.header.line,
      meta.vote_type ?? '',
    );
  }
  if (absent(meta.budget))
    throw new PabulibParseError('budget.pabulib.missing_budget', metaSection.header.line, '');
  const budget = parseNumber(meta.budget!, metaSection.header, 'budget');

  const projectSection = sections.get('projects')!;
  const projectColumns = projectSection.header.fields;
  if (!projectColumns.includes('project_id') || !projectColumns.includes('cost')) {
    throw new PabulibParseError(
      'budget.pabulib.missing_column',
      projectSection.header.line,
      'project_id, cost',
    );
  }
  const projectIds = new Set<string>();
  const projects = projectSection.rows.map((row): PabulibProject => {
    const get = (column: string) => row.fields[projectColumns.indexOf(column)];
    if (row.fields.length !== projectColumns.length) {
      throw new PabulibParseError('budget.pabulib.column_count', row.line, `${row.fields.length} fields`);
    }
    const id = get('project_id')!;
    if (id === '' || projectIds.has(id))
      throw new PabulibParseError('budget.pabulib.project_id', row.line, id);
    projectIds.add(id);
    const extra: Record<string, string> = {};
    for (const [i, column] of projectColumns.entries()) {
      if (!(PROJECT_FIELDS as readonly string[]).includes(column)) extra[column] = row.fields[i]!;
    }
    const optionalNumber = (column: string) => {
      const value = get(column);
      return absent(value) ? undefined : parseNumber(value!, row, column);
    };
    const name = get('name');
    return {
      id,
      cost: parseNumber(get('cost') ?? '', row, 'cost'),
      ...(name === undefined || absent(name) ? {} : { name }),
      ...withNumber('votes', optionalNumber('votes')),
      ...withNumber('score', optionalNumber('score')),
      ...withNumber('selected', optionalNumber('selected')),
      extra,
    };
  });

  const voteSection = sections.get('votes')!;
  const voteColumns = voteSection.header.fields;
  if (!voteColumns.includes('voter_id') || !voteColumns.includes('vote')) {
    throw new PabulibParseError('budget.pabulib.missing_column', voteSection.header.line, 'voter_id, vote');
  }
  const withPoints = voteType === 'cumulative' || voteType === 'scoring';
  const voterIds = new Set<string>();
  const votes = voteSection.rows.map((row): PabulibBallot => {
    if (row.fields.length !== voteColumns.length) {
      throw new PabulibParseError('budget.pabulib.column_count', row.line, `${row.fields.length} fields`);
    }
    const get = (column: string) => row.fields[voteColumns.indexOf(column)];
    const voterId = get('voter_id')!;
    if (voterId === '' || voterIds.has(voterId))
      throw new PabulibParseError('budget.pabulib.voter_id', row.line, voterId);
    voterIds.add(voterId);
    const vote = get('vote');
    const ids = absent(vote) ? [] : splitList(vote!);
    for (const id of ids) {
      if (!projectIds.has(id)) throw new PabulibParseError('budget.pabulib.unknown_project', row.line, id);
    }
    const extra: Record<string, string> = {};
    for (const [i, column] of voteColumns.entries()) {
      if (!(VOTE_FIELDS as readonly string[]).includes(column)) extra[column] = row.fields[i]!;
    }
    if (!withPoints) return { voterId, projectIds: ids, extra };
    const pointsText = get('points');
    const points = absent(pointsText) ? [] : splitList(pointsText!).map((p) => parseNumber(p, row, 'points'));
    if (points.length !== ids.length) {
      throw new PabulibParseError(
        'budget.pabulib.points_mismatch',
        row.line,
        `${ids.length} ids, ${points.length} points`,
      );
    }
    return { voterId, projectIds: ids, points, extra };
  });

  return { meta, voteType, budget, projectColumns, projects, voteColumns, votes };
}

function withNumber<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function quote(value: string): string {
  return /[;"\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

function row(values: readonly string[]): string {
  return values.map(quote).join(';');
}

export interface PabulibWriteOptions {
  /** Default `\n`; Pabulib's own files use `\r\n`. */
  readonly lineEnding?: '\n' | '\r\n';
}

/**
 * Write an instance as `.pb` text. `budget`, `vote_type`, `num_projects` and `num_votes` in
 * META are written from the typed fields and the actual counts; the other META entries as they are.
 */
export function writePabulib(instance: PabulibInstance, options: PabulibWriteOptions = {}): string {
  const meta: Record<string, string> = {
    ...instance.meta,
    num_projects: String(instance.projects.length),
    num_votes: String(instance.votes.length),
    budget: String(instance.budget),
    vote_type: instance.voteType,
  };
  const lines: string[] = ['META', 'key;value'];
  for (const [key, value] of Object.entries(meta)) lines.push(row([key, value]));

  lines.push('PROJECTS', row(instance.projectColumns));
  for (const p of instance.projects) {
    lines.push(
      row(
        instance.projectColumns.map((column) => {
          switch (column) {
            case 'project_id':
              return p.id;
            case 'cost':
              return String(p.cost);
            case 'name':
              return p.name ?? '';
            case 'votes':
            case 'score':
            case 'selected': {
              const value = p[column];
              return value === undefined ? '' : String(value);
            }
            default:
              return p.extra[column] ?? '';
          }
        }),
      ),
    );
  }

  lines.push('VOTES', row(instance.voteColumns));
  for (const ballot of instance.votes) {
    lines.push(
      row(
        instance.voteColumns.map((column) => {
          switch (column) {
            case 'voter_id':
              return ballot.voterId;
            case 'vote':
              return ballot.projectIds.join(',');
            case 'points':
              return (ballot.points ?? []).join(',');
            default:
              return ballot.extra[column] ?? '';
          }
        }),
      ),
    );
  }
  const eol = options.lineEnding ?? '\n';
  return lines.join(eol) + eol;
}
