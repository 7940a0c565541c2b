/**
 * TypeBox schemas of the Open311 API, for the OpenAPI document only: inputs are validated by the
 * domain's parsers (which answer with the spec's error list), so the routes turn schema
 * validation off.
 */
import { type TSchema, Type } from '@sinclair/typebox';

const Str = (description: string) => Type.Optional(Type.String({ description }));
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const JurisdictionQuery = Type.Object({
  jurisdiction_id: Str('Optional: this server has one jurisdiction, the host of its public URL.'),
});

export const DiscoverySchema = Type.Object({
  changeset: Type.String(),
  contact: Type.String(),
  key_service: Type.String(),
  max_requests: Type.Optional(Type.Integer()),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String(),
      changeset: Type.String(),
      type: Type.Union([Type.Literal('production'), Type.Literal('test')]),
      formats: Type.Array(Type.String()),
    }),
  ),
});

export const ServiceSchema = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Nullable(Type.String()),
  metadata: Type.Boolean(),
  type: Type.Literal('realtime'),
  keywords: Type.String({ description: 'Former names and synonyms, comma-separated' }),
  group: Nullable(Type.String({ description: 'Top-level category' })),
});

export const ServiceDefinitionSchema = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Type.String(),
      datatype: Type.String(),
      required: Type.Boolean(),
      datatype_description: Nullable(Type.String()),
      order: Type.Integer(),
      description: Type.String(),
      values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
    }),
  ),
});

export const RequestSchema = Type.Object({
  service_request_id: Type.String({ description: 'The report reference, e.g. DMR-2026-000123' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  extended_status: Type.Optional(Nullable(Type.String({ description: 'With extensions=true' }))),
  status_notes: Nullable(Type.String()),
  service_name: Type.String(),
  service_code: Type.String(),
  description: Nullable(Type.String()),
  agency_responsible: Nullable(Type.String()),
  service_notice: Nullable(Type.String()),
  requested_datetime: Type.String(),
  updated_datetime: Type.String(),
  expected_datetime: Nullable(Type.String()),
  address: Nullable(Type.String()),
  address_id: Nullable(Type.String()),
  zipcode: Nullable(Type.String()),
  lat: Type.Number(),
  long: Type.Number(),
  media_url: Nullable(Type.String()),
});

export const CreatedSchema = Type.Array(
  Type.Object({
    service_request_id: Type.String(),
    service_notice: Nullable(Type.String()),
    account_id: Nullable(Type.String()),
  }),
);

export const TokenSchema = Type.Array(
  Type.Object({ service_request_id: Nullable(Type.String()), token: Type.String() }),
);

export const UpdateSchema = Type.Object({
  update_id: Type.String(),
  service_request_id: Type.String(),
  status: Type.String({ description: 'mySociety extended status, e.g. FIXED' }),
  updated_datetime: Type.String(),
  description: Nullable(Type.String()),
  media_url: Nullable(Type.String()),
});

export const ErrorsSchema = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }), {
  description: 'The spec’s error list; descriptions in French, or English with Accept-Language: en',
});

export const RequestsQuery = Type.Object({
  jurisdiction_id: Str('Optional (single jurisdiction)'),
  service_request_id: Str('Comma-separated references; overrides every other parameter'),
  service_code: Str('Comma-separated service codes'),
  start_date: Str('W3C date-time with a time zone; the window is at most 90 days'),
  end_date: Str('W3C date-time with a time zone'),
  status: Str('open, closed, or both comma-separated'),
  updated_after: Str('v2.1 draft: W3C date-time'),
  updated_before: Str('v2.1 draft: W3C date-time'),
  page: Str('Extension: page number, from 1'),
  page_size: Str('Extension: 1 to 1000 (default 1000)'),
  extensions: Str('true adds extended_status (mySociety statuses)'),
  bbox: Str('Extension: only reports in this box, minLon,minLat,maxLon,maxLat (e.g. 2.33,48.85,2.36,48.87)'),
});

export const CreateBody = Type.Object({
  api_key: Type.String(),
  jurisdiction_id: Str('Optional (single jurisdiction)'),
  service_code: Type.String(),
  lat: Str('WGS84 decimal degrees (required: this server has no geocoder)'),
  long: Str('WGS84 decimal degrees'),
  address_string: Str('Kept as the address'),
  address_id: Str('Accepted, not used'),
  email: Str('Private: never shown in any GET'),
  device_id: Str('Accepted, not stored'),
  account_id: Str('Accepted, not stored'),
  first_name: Str('Private'),
  last_name: Str('Private'),
  phone: Str('Private'),
  description: Str('At most 4,000 characters, no HTML'),
  media_url: Str(
    'A picture’s address (http or https, up to 3): kept for the agents, fetched once as a photo pending review',
  ),
  'attribute[CODE]': Str('Answer to a question of the service definition; attribute[CODE][] for lists'),
  media: Type.Optional(Type.String({ format: 'binary', description: 'multipart/form-data: up to 3 photos' })),
});

export const UpdatesQuery = Type.Object({
  api_key: Type.String(),
  jurisdiction_id: Str('Optional'),
  start_date: Str('W3C date-time; window at most 90 days'),
  end_date: Str('W3C date-time'),
});

export const UpdateBody = Type.Object({
  api_key: Type.String(),
  jurisdiction_id: Str('Optional'),
  service_request_id: Type.String(),
  status: Type.String({
    description:
      'FIXED, CLOSED, IN_PROGRESS, INVESTIGATING, ACTION_SCHEDULED, NO_FURTHER_ACTION, NOT_COUNCILS_RESPONSIBILITY, DUPLICATE',
  }),
  description: Str('Public message joined to the status change'),
  update_id: Str('The client’s id of the update (not stored)'),
  updated_datetime: Str('W3C date-time; the scheduled date for ACTION_SCHEDULED unless expected_datetime'),
  expected_datetime: Str('ACTION_SCHEDULED: the planned date'),
  duplicate_of: Str('DUPLICATE: the reference of the original report'),
});

export const UpdateCreatedSchema = Type.Array(Type.Object({ update_id: Type.String() }));
