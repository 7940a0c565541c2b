/**
 * Open311 GeoReport v2, pure: one logical model per response, serialised to XML (mandatory) and
 * JSON (derived by the array rule), plus the parsing and validation of inputs. See the project
 * reference open311.md. Nothing here touches HTTP: routes pick the format, call `httpStatusFor`
 * on errors and set the content type from OPEN311_CONTENT_TYPES.
 *
 * Typing (open311.md §10): ids and codes are emitted as strings, booleans as booleans,
 * coordinates as numbers; an empty value is an empty element in XML and `null` in JSON; a key left
 * `undefined` in the model is omitted from both.
 */
import { ReportRuleError } from './errors.js';
import {
  isClosedState,
  isPublicState,
  type Open311ExtendedStatus,
  open311ExtendedStatus,
  open311Status,
  type RejectionKind,
  type ReportState,
} from './workflow.js';

export const OPEN311_SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
export const OPEN311_CONTENT_TYPES = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;
export type Open311Format = keyof typeof OPEN311_CONTENT_TYPES;
export const MAX_DESCRIPTION_LENGTH = 4000;
export const MAX_DATE_RANGE_DAYS = 90;
export const DEFAULT_MAX_REQUESTS = 1000;

// ---- logical model --------------------------------------------------------------------------

export type O311Scalar = string | number | boolean | null;
/** A repeated element: `<values><value>…</value><value>…</value></values>` ↔ `"values": […]`. */
export class O311List {
  constructor(
    readonly itemName: string,
    readonly items: readonly O311Value[],
  ) {}
}
export type O311Value = O311Scalar | O311List | O311Record;
export interface O311Record {
  readonly [key: string]: O311Value | undefined;
}
export interface O311Document {
  /** XML root element. */
  root: string;
  body: O311List | O311Record;
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters XML 1.0 cannot carry even escaped: C0 controls except tab/LF/CR, lone surrogates, U+FFFE/FFFF.
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape text for XML content and attributes; drops the characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function elementName(name: string): string {
  if (!ELEMENT_NAME.test(name)) throw new ReportRuleError('reports.open311.bad_element_name', { name }, 500);
  return name;
}

function scalarText(value: O311Scalar): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ReportRuleError('reports.open311.bad_number', {}, 500);
    return String(value);
  }
  return escapeXml(String(value));
}

function valueToXml(name: string, value: O311Value): string {
  const tag = elementName(name);
  if (value instanceof O311List) {
    return `<${tag}>${value.items.map((item) => valueToXml(value.itemName, item)).join('')}</${tag}>`;
  }
  if (value !== null && typeof value === 'object') return `<${tag}>${recordToXml(value)}</${tag}>`;
  return `<${tag}>${scalarText(value)}</${tag}>`;
}

function recordToXml(record: O311Record): string {
  return Object.entries(record)
    .filter((entry): entry is [string, O311Value] => entry[1] !== undefined)
    .map(([key, value]) => valueToXml(key, value))
    .join('');
}

export function toXml(document: O311Document): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${valueToXml(document.root, document.body)}`;
}

/** Lists become arrays; a number that JSON cannot carry is a server error, not a silent null. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof O311List) return value.items;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new ReportRuleError('reports.open311.bad_number', {}, 500);
  }
  return value;
}

/**
 * JSON by the array rule: the root wrapper disappears, lists become arrays. Written straight
 * from the document (no copy of it first): a page of 1,000 requests is ~700 kB of JSON, and
 * the copy doubled what such a page held in memory while it was written.
 */
export function toJson(document: O311Document): string {
  return JSON.stringify(document.body, jsonReplacer);
}

export function serialise(document: O311Document, format: Open311Format): string {
  return format === 'xml' ? toXml(document) : toJson(document);
}

// ---- dates ----------------------------------------------------------------------------------

// One formatter per time zone: building one costs about a millisecond, and a list of 1,000
// requests formats four dates each (seen: 5 s per GET /requests).
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    // Only zones that exist get here (the constructor throws otherwise): a handful at most.
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC in minutes at an instant (a call of formatToParts: ~20 µs). */
function offsetMinutes(time: number, timeZone: string): number {
  const parts = Object.fromEntries(
    zoneFormat(timeZone)
      .formatToParts(new Date(time))
      .map((part) => [part.type, part.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((local - time) / 60_000);
}

// Offsets change only at whole quarter hours (every current zone's rule), so one lookup serves
// a quarter hour; the memo is dropped when it grows large.
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

function cachedOffset(time: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(time / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 50_000) offsets.clear();
    offset = offsetMinutes(time, timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

/**
 * W3C-DTF with a timezone, to the second: `2026-03-01T10:15:00Z` in UTC, or the local time and
 * its offset in `timeZone` (`2026-03-01T11:15:00+01:00` for Europe/Paris).
 */
export function formatW3cDateTime(date: Date, timeZone = 'UTC'): string {
  const time = Math.floor(date.getTime() / 1000) * 1000;
  if (!Number.isFinite(time)) throw new ReportRuleError('reports.open311.bad_date', {}, 500);
  if (timeZone === 'UTC') return `${new Date(time).toISOString().slice(0, 19)}Z`;
  const offset = cachedOffset(time, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(time + offset * 60_000).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

const W3C_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parse a W3C-DTF date-time; a timezone is required (the spec says so). Null when invalid. */
export function parseW3cDateTime(text: string): Date | null {
  const match = W3C_DATETIME.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  if (new Date(utc).getUTCDate() !== day) return null; // 2026-02-30
  let offset = 0;
  if (zone !== 'Z') {
    const zoneHours = Number(zone!.slice(1, 3));
    const zoneMinutes = Number(zone!.slice(4, 6));
    if (zoneHours > 14 || zoneMinutes > 59) return null;
    offset = (zone!.startsWith('-') ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  }
  return new Date(utc - offset * 60_000);
}

// ---- errors ---------------------------------------------------------------------------------

/** An error of the Open311 API: `code` is the HTTP-like code in the body, `key` the i18n key. */
export interface Open311Error {
  code: 400 | 403 | 404;
  key: string;
  params?: Record<string, string | number>;
}

/** HTTP status for a list of errors: 403 (key) wins, then 404 (missing resource), else 400. */
export function httpStatusFor(errors: readonly Open311Error[]): 400 | 403 | 404 {
  if (errors.some((error) => error.code === 403)) return 403;
  if (errors.some((error) => error.code === 404)) return 404;
  return 400;
}

/** `<errors><error><code>…</code><description>…</description></error></errors>`; descriptions already localised. */
export function buildErrors(errors: readonly { code: number | string; description: string }[]): O311Document {
  return {
    root: 'errors',
    body: new O311List(
      'error',
      errors.map((error) => ({ code: error.code, description: error.description })),
    ),
  };
}

export const OPEN311_ERROR_KEYS = [
  'reports.open311.errors.api_key_invalid',
  'reports.open311.errors.jurisdiction_required',
  'reports.open311.errors.jurisdiction_unknown',
  'reports.open311.errors.service_code_required',
  'reports.open311.errors.service_unknown',
  'reports.open311.errors.location_required',
  'reports.open311.errors.location_incomplete',
  'reports.open311.errors.lat_invalid',
  'reports.open311.errors.long_invalid',
  'reports.open311.errors.description_too_long',
  'reports.open311.errors.email_invalid',
  'reports.open311.errors.media_url_invalid',
  'reports.open311.errors.field_single_value',
  'reports.open311.errors.attribute_required',
  'reports.open311.errors.attribute_single_value',
  'reports.open311.errors.attribute_not_number',
  'reports.open311.errors.attribute_not_datetime',
  'reports.open311.errors.attribute_bad_value',
  'reports.open311.errors.attribute_too_long',
  'reports.open311.errors.date_invalid',
  'reports.open311.errors.date_range_inverted',
  'reports.open311.errors.date_range_too_long',
  'reports.open311.errors.status_invalid',
  'reports.open311.errors.service_request_id_invalid',
  'reports.open311.errors.request_not_found',
  'reports.open311.errors.token_not_found',
] as const;

// ---- discovery ------------------------------------------------------------------------------

export interface DiscoveryInput {
  /** Last change of the service list (categories); tells clients to refresh their cache. */
  changeset: Date;
  contact: string;
  keyService: string;
  endpoints: readonly {
    url: string;
    changeset: Date;
    type: 'production' | 'test';
    formats?: readonly Open311Format[];
  }[];
  /** FixMyStreet's extra: the largest page of GET requests. */
  maxRequests?: number;
}

export function buildDiscovery(input: DiscoveryInput, timeZone = 'UTC'): O311Document {
  return {
    root: 'discovery',
    body: {
      changeset: formatW3cDateTime(input.changeset, timeZone),
      contact: input.contact,
      key_service: input.keyService,
      max_requests: input.maxRequests,
      endpoints: new O311List(
        'endpoint',
        input.endpoints.map((endpoint) => ({
          specification: OPEN311_SPECIFICATION,
          url: endpoint.url,
          changeset: formatW3cDateTime(endpoint.changeset, timeZone),
          type: endpoint.type,
          formats: new O311List(
            'format',
            (endpoint.formats ?? ['xml', 'json']).map(
              (format) => OPEN311_CONTENT_TYPES[format].split(';')[0]!,
            ),
          ),
        })),
      ),
    },
  };
}

// ---- services -------------------------------------------------------------------------------

export interface Open311Service {
  code: string;
  name: string;
  description: string | null;
  /** True when the category has extra questions (then clients fetch the definition). */
  metadata: boolean;
  type?: 'realtime' | 'batch' | 'blackbox';
  keywords: readonly string[];
  group: string | null;
}

export function buildServiceList(services: readonly Open311Service[]): O311Document {
  return {
    root: 'services',
    body: new O311List(
      'service',
      services.map((service) => ({
        service_code: service.code,
        service_name: service.name,
        description: service.description,
        metadata: service.metadata,
        type: service.type ?? 'realtime',
        // a comma would split one keyword into two
        keywords: service.keywords
          .map((keyword) => keyword.replace(/,/g, ' ').trim())
          .filter(Boolean)
          .join(','),
        group: service.group,
      })),
    ),
  };
}

export type AttributeDatatype =
  | 'string'
  | 'number'
  | 'datetime'
  | 'text'
  | 'singlevaluelist'
  | 'multivaluelist';
export const ATTRIBUTE_DATATYPES: readonly AttributeDatatype[] = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
];
/** Attribute codes travel in field names (`attribute[CODE]`): keep them plain. */
const ATTRIBUTE_CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_STRING_ATTRIBUTE = 1000;

/** A category's extra question, as the back office defines it. */
export interface ExtraQuestion {
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  /** Positive, unique within the category; 1 first. */
  order: number;
  /** The question. */
  description: string;
  datatypeDescription?: string | null;
  /** False = informational text only, nothing to answer. Default true. */
  variable?: boolean;
  values?: readonly { key: string; name: string }[];
}

/** Check a category's questions; returns the problems as i18n keys (empty = fine). */
export function checkExtraQuestions(questions: readonly ExtraQuestion[]): { key: string; code: string }[] {
  const problems: { key: string; code: string }[] = [];
  const codes = new Set<string>();
  const orders = new Set<number>();
  for (const q of questions) {
    if (!ATTRIBUTE_CODE.test(q.code)) problems.push({ key: 'reports.questions.bad_code', code: q.code });
    if (codes.has(q.code)) problems.push({ key: 'reports.questions.duplicate_code', code: q.code });
    codes.add(q.code);
    if (!Number.isInteger(q.order) || q.order < 1 || orders.has(q.order)) {
      problems.push({ key: 'reports.questions.bad_order', code: q.code });
    }
    orders.add(q.order);
    if (!ATTRIBUTE_DATATYPES.includes(q.datatype))
      problems.push({ key: 'reports.questions.bad_datatype', code: q.code });
    const isList = q.datatype === 'singlevaluelist' || q.datatype === 'multivaluelist';
    if (isList && (q.values ?? []).length === 0)
      problems.push({ key: 'reports.questions.values_required', code: q.code });
    const keys = (q.values ?? []).map((value) => value.key);
    if (new Set(keys).size !== keys.length)
      problems.push({ key: 'reports.questions.duplicate_value', code: q.code });
  }
  return problems;
}

export function buildServiceDefinition(
  serviceCode: string,
  questions: readonly ExtraQuestion[],
): O311Document {
  const problems = checkExtraQuestions(questions);
  if (problems.length > 0) {
    throw new ReportRuleError(problems[0]!.key, { code: problems[0]!.code }, 500);
  }
  const sorted = [...questions].sort((a, b) => a.order - b.order);
  return {
    root: 'service_definition',
    body: {
      service_code: serviceCode,
      attributes: new O311List(
        'attribute',
        sorted.map((q) => {
          const isList = q.datatype === 'singlevaluelist' || q.datatype === 'multivaluelist';
          return {
            variable: q.variable ?? true,
            code: q.code,
            datatype: q.datatype,
            required: q.required,
            datatype_description: q.datatypeDescription ?? null,
            order: q.order,
            description: q.description,
            values: isList
              ? new O311List(
                  'value',
                  (q.values ?? []).map((value) => ({ key: value.key, name: value.name })),
                )
              : undefined,
          };
        }),
      ),
    },
  };
}

// ---- requests -------------------------------------------------------------------------------

/**
 * What a public Open311 request shows of a report. No reporter identity here on purpose: the
 * type has no field for it, so nothing personal can leak through GET responses.
 */
export interface Open311PublicRequest {
  id: string;
  state: ReportState;
  rejectionKind?: RejectionKind | null;
  statusNotes: string | null;
  serviceName: string;
  serviceCode: string;
  description: string | null;
  agencyResponsible: string | null;
  serviceNotice: string | null;
  requestedAt: Date;
  updatedAt: Date;
  /** When it was closed; becomes `updated_datetime` for a closed request (spec §7). */
  closedAt: Date | null;
  expectedAt: Date | null;
  address: string | null;
  addressId: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  mediaUrl: string | null;
}

export interface RequestListOptions {
  timeZone?: string;
  /** Our extension flag: adds `extended_status` (mySociety statuses). */
  extensions?: boolean;
}

function requestRecord(request: Open311PublicRequest, options: RequestListOptions): O311Record {
  const tz = options.timeZone ?? 'UTC';
  const closed = isClosedState(request.state);
  const updated = closed && request.closedAt ? request.closedAt : request.updatedAt;
  return {
    service_request_id: request.id,
    status: open311Status(request.state),
    extended_status: options.extensions
      ? open311ExtendedStatus(request.state, request.rejectionKind ?? null)
      : undefined,
    status_notes: request.statusNotes,
    service_name: request.serviceName,
    service_code: request.serviceCode,
    description: request.description,
    agency_responsible: request.agencyResponsible,
    service_notice: request.serviceNotice,
    requested_datetime: formatW3cDateTime(request.requestedAt, tz),
    updated_datetime: formatW3cDateTime(updated, tz),
    expected_datetime: request.expectedAt ? formatW3cDateTime(request.expectedAt, tz) : null,
    address: request.address,
    address_id: request.addressId,
    zipcode: request.zipcode,
    lat: request.lat,
    long: request.long,
    media_url: request.mediaUrl,
  };
}

/** GET /requests: non-public (archived) reports are left out. */
export function buildRequestList(
  requests: readonly Open311PublicRequest[],
  options: RequestListOptions = {},
): O311Document {
  return {
    root: 'service_requests',
    body: new O311List(
      'request',
      requests
        .filter((request) => isPublicState(request.state))
        .map((request) => requestRecord(request, options)),
    ),
  };
}

/** GET /requests/<id>: same wrapper as the list (a one-element array in JSON); 404 when not public. */
export function buildSingleRequest(
  request: Open311PublicRequest,
  options: RequestListOptions = {},
): O311Document {
  if (!isPublicState(request.state)) {
    throw new ReportRuleError('reports.open311.errors.request_not_found', {}, 404);
  }
  return buildRequestList([request], options);
}

export type CreateResponse =
  | { serviceRequestId: string; serviceNotice?: string | null; accountId?: string | null }
  | { token: string; serviceNotice?: string | null; accountId?: string | null };

/** POST /requests response: a service_request_id or a token, never both. */
export function buildCreateResponse(response: CreateResponse): O311Document {
  const hasId = 'serviceRequestId' in response && response.serviceRequestId !== '';
  const hasToken = 'token' in response && response.token !== '';
  if (hasId === hasToken) throw new ReportRuleError('reports.open311.id_or_token', {}, 500);
  return {
    root: 'service_requests',
    body: new O311List('request', [
      {
        service_request_id: 'serviceRequestId' in response ? response.serviceRequestId : undefined,
        token: 'token' in response ? response.token : undefined,
        service_notice: response.serviceNotice ?? null,
        account_id: response.accountId ?? null,
      },
    ]),
  };
}

/** GET /tokens/<token>: the request id once known, empty until then. */
export function buildTokenResponse(token: string, serviceRequestId: string | null): O311Document {
  return {
    root: 'service_requests',
    body: new O311List('request', [{ service_request_id: serviceRequestId, token }]),
  };
}

// ---- servicerequestupdates (mySociety extension) --------------------------------------------

export interface Open311Update {
  updateId: string;
  serviceRequestId: string;
  /** Extended status (upper case), e.g. FIXED, REOPEN. */
  status: Open311ExtendedStatus;
  updatedAt: Date;
  description: string | null;
  mediaUrl: string | null;
  externalStatusCode?: string | null;
}

export function buildServiceRequestUpdates(
  updates: readonly Open311Update[],
  timeZone = 'UTC',
): O311Document {
  return {
    root: 'service_request_updates',
    body: new O311List(
      'request_update',
      updates.map((update) => ({
        update_id: update.updateId,
        service_request_id: update.serviceRequestId,
        status: update.status,
        updated_datetime: formatW3cDateTime(update.updatedAt, timeZone),
        description: update.description,
        media_url: update.mediaUrl,
        external_status_code: update.externalStatusCode ?? undefined,
      })),
    ),
  };
}

// ---- parsing inputs -------------------------------------------------------------------------

/** A decoded form or query: repeated keys give arrays. */
export type FormFields = Readonly<Record<string, string | number | readonly (string | number)[] | undefined>>;

/** Decode an `application/x-www-form-urlencoded` body or a query string, keeping repeated keys. */
export function decodeForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

function allValues(fields: FormFields, key: string): string[] {
  const raw = fields[key];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  // An empty parameter equals a parameter not sent.
  return list.map((value) => String(value).trim()).filter((value) => value !== '');
}

type Single = { value: string | null; repeated: boolean };
function single(fields: FormFields, key: string): Single {
  const values = allValues(fields, key);
  return { value: values[0] ?? null, repeated: values.length > 1 };
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** A number sent as a number or a decimal string ("48.85"); no exponent, no comma. */
export function parseDecimal(value: string | number | null): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : null;
}

/** Strip control characters except tab and line feed; CRLF → LF. */
function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
      .trim()
  );
}

export interface ParsedServiceRequest {
  jurisdictionId: string | null;
  serviceCode: string;
  lat: number | null;
  long: number | null;
  addressString: string | null;
  addressId: string | null;
  description: string | null;
  mediaUrls: string[];
  /** Answers to the category's questions, checked and typed. */
  attributes: Record<string, string | number | string[]>;
  /** Attributes the category does not define (FixMyStreet sends its own, e.g. fixmystreet_id). */
  extraAttributes: Record<string, string[]>;
  /** Personal data: stored privately, never shown in a public response. */
  contact: {
    email: string | null;
    firstName: string | null;
    lastName: string | null;
    phone: string | null;
    accountId: string | null;
    deviceId: string | null;
  };
}

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: 400 | 403 | 404; errors: Open311Error[] };

export interface CreateRequestContext {
  isApiKeyValid(apiKey: string): boolean;
  /** This server's jurisdiction; a different one is unknown (404). */
  jurisdictionId?: string | null;
  /** Several jurisdictions on one endpoint: then a missing one is an error (400). */
  requireJurisdiction?: boolean;
  findService(serviceCode: string): { questions: readonly ExtraQuestion[] } | null;
}

function fail<T>(errors: Open311Error[]): ParseResult<T> {
  return { ok: false, status: httpStatusFor(errors), errors };
}

function checkJurisdiction(
  fields: FormFields,
  context: { jurisdictionId?: string | null; requireJurisdiction?: boolean },
): Open311Error | null {
  const jurisdiction = single(fields, 'jurisdiction_id').value;
  if (!jurisdiction) {
    return context.requireJurisdiction
      ? { code: 400, key: 'reports.open311.errors.jurisdiction_required' }
      : null;
  }
  if (context.jurisdictionId && jurisdiction !== context.jurisdictionId) {
    return { code: 404, key: 'reports.open311.errors.jurisdiction_unknown' };
  }
  return null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Collect `attribute[CODE]` and `attribute[CODE][]` fields. */
function collectAttributes(fields: FormFields): Map<string, { values: string[]; multi: boolean }> {
  const out = new Map<string, { values: string[]; multi: boolean }>();
  for (const key of Object.keys(fields)) {
    const match = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (!match) continue;
    const code = match[1]!;
    const entry = out.get(code) ?? { values: [], multi: false };
    entry.values.push(...allValues(fields, key));
    entry.multi ||= match[2] === '[]';
    out.set(code, entry);
  }
  return out;
}

function checkAttributes(
  questions: readonly ExtraQuestion[],
  given: Map<string, { values: string[]; multi: boolean }>,
  errors: Open311Error[],
): { attributes: ParsedServiceRequest['attributes']; extra: ParsedServiceRequest['extraAttributes'] } {
  const attributes: ParsedServiceRequest['attributes'] = {};
  const known = new Set<string>();
  for (const q of [...questions].sort((a, b) => a.order - b.order)) {
    known.add(q.code);
    if (q.variable === false) continue;
    const values = given.get(q.code)?.values ?? [];
    const params = { code: q.code };
    if (values.length === 0) {
      if (q.required) errors.push({ code: 400, key: 'reports.open311.errors.attribute_required', params });
      continue;
    }
    if (q.datatype !== 'multivaluelist' && values.length > 1) {
      errors.push({ code: 400, key: 'reports.open311.errors.attribute_single_value', params });
      continue;
    }
    const value = values[0]!;
    const allowed = new Set((q.values ?? []).map((v) => v.key));
    switch (q.datatype) {
      case 'number': {
        const n = parseDecimal(value);
        if (n === null)
          errors.push({ code: 400, key: 'reports.open311.errors.attribute_not_number', params });
        else attributes[q.code] = n;
        break;
      }
      case 'datetime': {
        const date = parseW3cDateTime(value);
        if (!date) errors.push({ code: 400, key: 'reports.open311.errors.attribute_not_datetime', params });
        else attributes[q.code] = date.toISOString();
        break;
      }
      case 'singlevaluelist':
        if (!allowed.has(value))
          errors.push({ code: 400, key: 'reports.open311.errors.attribute_bad_value', params });
        else attributes[q.code] = value;
        break;
      case 'multivaluelist':
        if (!values.every((v) => allowed.has(v))) {
          errors.push({ code: 400, key: 'reports.open311.errors.attribute_bad_value', params });
        } else attributes[q.code] = [...new Set(values)];
        break;
      default: {
        const text = cleanText(value);
        const max = q.datatype === 'text' ? MAX_DESCRIPTION_LENGTH : MAX_STRING_ATTRIBUTE;
        if ([...text].length > max) {
          errors.push({
            code: 400,
            key: 'reports.open311.errors.attribute_too_long',
            params: { ...params, max },
          });
        } else attributes[q.code] = text;
      }
    }
  }
  const extra: ParsedServiceRequest['extraAttributes'] = {};
  for (const [code, entry] of given) {
    if (known.has(code) || entry.values.length === 0) continue;
    // What FixMyStreet clients add to every report: kept for the agents, not a question.
    if (CLIENT_ATTRIBUTES.has(code)) {
      extra[code] = entry.values.map((value) => cleanText(value).slice(0, MAX_STRING_ATTRIBUTE));
    } else {
      errors.push({
        code: 400,
        key: 'reports.open311.errors.attribute_unknown',
        params: { code: code.slice(0, 100) },
      });
    }
  }
  return { attributes, extra };
}

/**
 * Attributes a client may send that are no question of the service: the fields FixMyStreet's
 * Open311 sender adds (its report's id, address, title and page). Any other unknown code is an
 * error (400), so that a misspelt answer is not silently lost.
 */
export const CLIENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'fixmystreet_id',
  'closest_address',
  'report_title',
  'report_url',
]);

/**
 * Parse and check a POST /requests body. The key is checked first (a bad key learns nothing
 * else: 403 alone); then the jurisdiction and service (404 when unknown); then every other
 * problem is reported at once (400).
 */
export function parseCreateRequest(
  fields: FormFields,
  context: CreateRequestContext,
): ParseResult<ParsedServiceRequest> {
  const apiKey = single(fields, 'api_key').value;
  if (!apiKey || !context.isApiKeyValid(apiKey)) {
    return fail([{ code: 403, key: 'reports.open311.errors.api_key_invalid' }]);
  }
  const errors: Open311Error[] = [];
  const jurisdictionError = checkJurisdiction(fields, context);
  if (jurisdictionError) errors.push(jurisdictionError);

  const serviceCode = single(fields, 'service_code').value;
  const service = serviceCode ? context.findService(serviceCode) : null;
  if (!serviceCode) errors.push({ code: 400, key: 'reports.open311.errors.service_code_required' });
  else if (!service) errors.push({ code: 404, key: 'reports.open311.errors.service_unknown' });

  for (const key of ['service_code', 'lat', 'long', 'address_string', 'address_id', 'description', 'email']) {
    if (single(fields, key).repeated) {
      errors.push({ code: 400, key: 'reports.open311.errors.field_single_value', params: { field: key } });
    }
  }

  // Location: lat+long, or address_string, or address_id.
  const latText = single(fields, 'lat').value;
  const longText = single(fields, 'long').value;
  const lat = parseDecimal(latText);
  const long = parseDecimal(longText);
  const addressString = single(fields, 'address_string').value;
  const addressId = single(fields, 'address_id').value;
  if (latText !== null && (lat === null || Math.abs(lat) > 90)) {
    errors.push({ code: 400, key: 'reports.open311.errors.lat_invalid' });
  }
  if (longText !== null && (long === null || Math.abs(long) > 180)) {
    errors.push({ code: 400, key: 'reports.open311.errors.long_invalid' });
  }
  if ((latText === null) !== (longText === null)) {
    errors.push({ code: 400, key: 'reports.open311.errors.location_incomplete' });
  }
  if (latText === null && longText === null && !addressString && !addressId) {
    errors.push({ code: 400, key: 'reports.open311.errors.location_required' });
  }

  const descriptionRaw = single(fields, 'description').value;
  const description = descriptionRaw === null ? null : cleanText(descriptionRaw) || null;
  if (description && [...description].length > MAX_DESCRIPTION_LENGTH) {
    errors.push({
      code: 400,
      key: 'reports.open311.errors.description_too_long',
      params: { max: MAX_DESCRIPTION_LENGTH },
    });
  }

  const email = single(fields, 'email').value;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    errors.push({ code: 400, key: 'reports.open311.errors.email_invalid' });
  }
  const mediaUrls = allValues(fields, 'media_url');
  if (mediaUrls.some((url) => !isHttpUrl(url))) {
    errors.push({ code: 400, key: 'reports.open311.errors.media_url_invalid' });
  }

  const { attributes, extra } = checkAttributes(service?.questions ?? [], collectAttributes(fields), errors);

  if (errors.length > 0) return fail(errors);
  return {
    ok: true,
    value: {
      jurisdictionId: single(fields, 'jurisdiction_id').value,
      serviceCode: serviceCode!,
      lat: latText === null ? null : lat,
      long: longText === null ? null : long,
      addressString: addressString ? cleanText(addressString) : null,
      addressId,
      description,
      mediaUrls,
      attributes,
      extraAttributes: extra,
      contact: {
        email,
        firstName: single(fields, 'first_name').value,
        lastName: single(fields, 'last_name').value,
        phone: single(fields, 'phone').value,
        accountId: single(fields, 'account_id').value,
        deviceId: single(fields, 'device_id').value ?? single(fields, 'deviceid').value,
      },
    },
  };
}

export type RequestsQuery =
  | { kind: 'ids'; serviceRequestIds: string[] }
  | {
      kind: 'search';
      serviceCodes: string[] | null;
      start: Date;
      end: Date;
      statuses: ('open' | 'closed')[];
      limit: number;
    };

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DAY_MS = 86_400_000;

function splitList(fields: FormFields, key: string): string[] {
  return allValues(fields, key)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** start_date/end_date: defaults to the last 90 days; at most 90 days; end after start. */
function dateWindow(fields: FormFields, now: Date, errors: Open311Error[]): { start: Date; end: Date } {
  const read = (param: 'start_date' | 'end_date') => {
    const text = single(fields, param).value;
    if (text === null) return null;
    const date = parseW3cDateTime(text);
    if (!date) errors.push({ code: 400, key: 'reports.open311.errors.date_invalid', params: { param } });
    return date;
  };
  const startGiven = read('start_date');
  const endGiven = read('end_date');
  const span = MAX_DATE_RANGE_DAYS * DAY_MS;
  let start: Date;
  let end: Date;
  if (startGiven && endGiven) {
    start = startGiven;
    end = endGiven;
  } else if (startGiven) {
    start = startGiven;
    end = new Date(Math.min(now.getTime(), startGiven.getTime() + span));
    if (end < start) end = new Date(startGiven.getTime() + span);
  } else if (endGiven) {
    end = endGiven;
    start = new Date(endGiven.getTime() - span);
  } else {
    end = now;
    start = new Date(now.getTime() - span);
  }
  if (end < start) errors.push({ code: 400, key: 'reports.open311.errors.date_range_inverted' });
  else if (end.getTime() - start.getTime() > span) {
    errors.push({
      code: 400,
      key: 'reports.open311.errors.date_range_too_long',
      params: { days: MAX_DATE_RANGE_DAYS },
    });
  }
  return { start, end };
}

/** Parse GET /requests parameters. `service_request_id` overrides every other filter. */
export function parseRequestsQuery(
  fields: FormFields,
  now: Date,
  context: { jurisdictionId?: string | null; requireJurisdiction?: boolean; maxRequests?: number } = {},
): ParseResult<RequestsQuery> {
  const errors: Open311Error[] = [];
  const jurisdictionError = checkJurisdiction(fields, context);
  if (jurisdictionError) return fail([jurisdictionError]);

  const ids = splitList(fields, 'service_request_id');
  if (ids.length > 0) {
    if (!ids.every((id) => REQUEST_ID.test(id))) {
      return fail([{ code: 400, key: 'reports.open311.errors.service_request_id_invalid' }]);
    }
    return { ok: true, value: { kind: 'ids', serviceRequestIds: [...new Set(ids)] } };
  }

  const serviceCodes = splitList(fields, 'service_code');
  const statusValues = splitList(fields, 'status').map((status) => status.toLowerCase());
  if (!statusValues.every((status) => status === 'open' || status === 'closed')) {
    errors.push({ code: 400, key: 'reports.open311.errors.status_invalid' });
  }
  const { start, end } = dateWindow(fields, now, errors);
  if (errors.length > 0) return fail(errors);
  const statuses = statusValues.length === 0 ? (['open', 'closed'] as const) : statusValues;
  return {
    ok: true,
    value: {
      kind: 'search',
      serviceCodes: serviceCodes.length > 0 ? [...new Set(serviceCodes)] : null,
      start,
      end,
      statuses: [...new Set(statuses)] as ('open' | 'closed')[],
      limit: context.maxRequests ?? DEFAULT_MAX_REQUESTS,
    },
  };
}

/** Parse GET /servicerequestupdates parameters (start_date, end_date; the key is checked by the caller). */
export function parseUpdatesQuery(
  fields: FormFields,
  now: Date,
  context: { jurisdictionId?: string | null; requireJurisdiction?: boolean } = {},
): ParseResult<{ start: Date; end: Date }> {
  const jurisdictionError = checkJurisdiction(fields, context);
  if (jurisdictionError) return fail([jurisdictionError]);
  const errors: Open311Error[] = [];
  const window = dateWindow(fields, now, errors);
  return errors.length > 0 ? fail(errors) : { ok: true, value: window };
}
