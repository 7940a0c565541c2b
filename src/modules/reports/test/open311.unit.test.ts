import { describe, expect, it } from 'vitest';
import {
  buildCreateResponse,
  buildDiscovery,
  buildErrors,
  buildRequestList,
  buildServiceDefinition,
  buildServiceList,
  buildServiceRequestUpdates,
  buildSingleRequest,
  buildTokenResponse,
  type CreateRequestContext,
  checkExtraQuestions,
  decodeForm,
  type ExtraQuestion,
  escapeXml,
  formatW3cDateTime,
  httpStatusFor,
  O311List,
  type Open311PublicRequest,
  parseCreateRequest,
  parseDecimal,
  parseRequestsQuery,
  parseUpdatesQuery,
  parseW3cDateTime,
  toJson,
  toXml,
} from '../domain/open311.js';

const DECL = '<?xml version="1.0" encoding="utf-8"?>\n';

describe('serialisation', () => {
  it('escapes the five XML characters and drops forbidden control characters', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;',
    );
    expect(escapeXml('a\u0000b\u0008c\td\ne\u001F')).toBe('abc\td\ne');
    expect(escapeXml('😀 ok')).toBe('😀 ok');
    expect(escapeXml('lone \uD800 surrogate')).toBe('lone  surrogate');
  });

  it('writes empty elements for empty values, and omits undefined keys', () => {
    const doc = { root: 'thing', body: { a: null, b: undefined, c: '', d: 0, e: false } };
    expect(toXml(doc)).toBe(`${DECL}<thing><a></a><c></c><d>0</d><e>false</e></thing>`);
    expect(toJson(doc)).toBe('{"a":null,"c":"","d":0,"e":false}');
  });

  it('refuses element names that could inject markup, and non-finite numbers', () => {
    expect(() => toXml({ root: 'x', body: { 'a><script': 'b' } })).toThrow(
      'reports.open311.bad_element_name',
    );
    expect(() => toXml({ root: 'x', body: { n: Number.NaN } })).toThrow('reports.open311.bad_number');
    expect(() => toJson({ root: 'x', body: { n: Number.POSITIVE_INFINITY } })).toThrow(
      'reports.open311.bad_number',
    );
  });

  it('applies the array rule to nested lists', () => {
    const doc = { root: 'l', body: new O311List('i', [{ v: new O311List('w', ['1', '2']) }]) };
    expect(toXml(doc)).toBe(`${DECL}<l><i><v><w>1</w><w>2</w></v></i></l>`);
    expect(toJson(doc)).toBe('[{"v":["1","2"]}]');
  });
});

describe('dates', () => {
  const date = new Date('2026-01-15T09:05:07.890Z');
  it('formats W3C-DTF with a timezone, to the second', () => {
    expect(formatW3cDateTime(date)).toBe('2026-01-15T09:05:07Z');
    expect(formatW3cDateTime(date, 'Europe/Paris')).toBe('2026-01-15T10:05:07+01:00');
    expect(formatW3cDateTime(new Date('2026-07-01T22:30:00Z'), 'Europe/Paris')).toBe(
      '2026-07-02T00:30:00+02:00',
    );
    expect(formatW3cDateTime(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(
      '2026-07-01T08:00:00-04:00',
    );
  });
  it('parses W3C-DTF and requires a timezone', () => {
    expect(parseW3cDateTime('2026-01-15T10:05:07+01:00')?.toISOString()).toBe('2026-01-15T09:05:07.000Z');
    expect(parseW3cDateTime('1994-11-05T08:15:30-05:00')?.toISOString()).toBe('1994-11-05T13:15:30.000Z');
    expect(parseW3cDateTime('2010-01-01T00:00Z')?.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(parseW3cDateTime('2010-01-01T00:00:00.5Z')?.toISOString()).toBe('2010-01-01T00:00:00.500Z');
    for (const bad of [
      '2010-01-01T00:00:00',
      '2010-01-01',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      'x',
    ]) {
      expect(parseW3cDateTime(bad), bad).toBeNull();
    }
  });
});

describe('discovery and services', () => {
  it('builds the discovery document', () => {
    const doc = buildDiscovery({
      changeset: new Date('2026-03-01T12:00:00Z'),
      contact: 'open311@ville.example',
      keyService: 'https://ville.example/open311/cle',
      endpoints: [
        {
          url: 'https://ville.example/open311/v2',
          changeset: new Date('2026-03-01T12:00:00Z'),
          type: 'production',
        },
      ],
    });
    expect(toXml(doc)).toBe(
      `${DECL}<discovery><changeset>2026-03-01T12:00:00Z</changeset><contact>open311@ville.example</contact>` +
        '<key_service>https://ville.example/open311/cle</key_service><endpoints><endpoint>' +
        '<specification>http://wiki.open311.org/GeoReport_v2</specification><url>https://ville.example/open311/v2</url>' +
        '<changeset>2026-03-01T12:00:00Z</changeset><type>production</type>' +
        '<formats><format>text/xml</format><format>application/json</format></formats></endpoint></endpoints></discovery>',
    );
    expect(JSON.parse(toJson(doc))).toEqual({
      changeset: '2026-03-01T12:00:00Z',
      contact: 'open311@ville.example',
      key_service: 'https://ville.example/open311/cle',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: 'https://ville.example/open311/v2',
          changeset: '2026-03-01T12:00:00Z',
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
  });

  it('lists services with string codes, boolean metadata and escaped names', () => {
    const doc = buildServiceList([
      {
        code: '3405',
        name: 'Mégots & <cendres>',
        description: null,
        metadata: true,
        keywords: ['cigarette', 'filtre, mégot'],
        group: 'Propreté',
      },
    ]);
    expect(toXml(doc)).toBe(
      `${DECL}<services><service><service_code>3405</service_code><service_name>Mégots &amp; &lt;cendres&gt;</service_name>` +
        '<description></description><metadata>true</metadata><type>realtime</type>' +
        '<keywords>cigarette,filtre  mégot</keywords><group>Propreté</group></service></services>',
    );
    expect(JSON.parse(toJson(doc))).toEqual([
      {
        service_code: '3405',
        service_name: 'Mégots & <cendres>',
        description: null,
        metadata: true,
        type: 'realtime',
        keywords: 'cigarette,filtre  mégot',
        group: 'Propreté',
      },
    ]);
  });
});

const questions: ExtraQuestion[] = [
  {
    code: 'size',
    datatype: 'singlevaluelist',
    required: true,
    order: 2,
    description: 'Taille du dépôt ?',
    values: [
      { key: 'small', name: 'Petit' },
      { key: 'big', name: 'Gros' },
    ],
  },
  { code: 'count', datatype: 'number', required: false, order: 3, description: 'Combien ?' },
  { code: 'info', datatype: 'string', required: false, order: 1, description: 'Merci !', variable: false },
  {
    code: 'kinds',
    datatype: 'multivaluelist',
    required: false,
    order: 4,
    description: 'Quoi ?',
    values: [
      { key: 'wood', name: 'Bois' },
      { key: 'metal', name: 'Métal' },
    ],
  },
  { code: 'seen_at', datatype: 'datetime', required: false, order: 5, description: 'Vu quand ?' },
  { code: 'more', datatype: 'text', required: false, order: 6, description: 'Précisions' },
];

describe('service definition', () => {
  it('orders attributes and writes values only for lists', () => {
    const doc = buildServiceDefinition('1010', questions.slice(0, 3));
    expect(toXml(doc)).toBe(
      `${DECL}<service_definition><service_code>1010</service_code><attributes>` +
        '<attribute><variable>false</variable><code>info</code><datatype>string</datatype><required>false</required>' +
        '<datatype_description></datatype_description><order>1</order><description>Merci !</description></attribute>' +
        '<attribute><variable>true</variable><code>size</code><datatype>singlevaluelist</datatype><required>true</required>' +
        '<datatype_description></datatype_description><order>2</order><description>Taille du dépôt ?</description>' +
        '<values><value><key>small</key><name>Petit</name></value><value><key>big</key><name>Gros</name></value></values>' +
        '</attribute>' +
        '<attribute><variable>true</variable><code>count</code><datatype>number</datatype><required>false</required>' +
        '<datatype_description></datatype_description><order>3</order><description>Combien ?</description></attribute>' +
        '</attributes></service_definition>',
    );
    const json = JSON.parse(toJson(doc));
    expect(json.attributes[1].values).toEqual([
      { key: 'small', name: 'Petit' },
      { key: 'big', name: 'Gros' },
    ]);
    expect('values' in json.attributes[0]).toBe(false);
  });

  it('checks the questions', () => {
    expect(checkExtraQuestions(questions)).toEqual([]);
    const bad: ExtraQuestion[] = [
      { code: 'a b', datatype: 'string', required: false, order: 1, description: '' },
      { code: 'x', datatype: 'singlevaluelist', required: false, order: 1, description: '' },
      { code: 'x', datatype: 'string', required: false, order: 0, description: '' },
    ];
    expect(checkExtraQuestions(bad).map((p) => p.key)).toEqual([
      'reports.questions.bad_code',
      'reports.questions.bad_order',
      'reports.questions.values_required',
      'reports.questions.duplicate_code',
      'reports.questions.bad_order',
    ]);
    expect(() => buildServiceDefinition('1', bad)).toThrow('reports.questions.bad_code');
  });
});

const hostile = `<script>alert("x")</script> & ]]> 'quote'`;
function publicRequest(extra: Partial<Open311PublicRequest> = {}): Open311PublicRequest {
  return {
    id: 'DMR-2026-000123',
    state: 'to_process',
    statusNotes: null,
    serviceName: 'Mégots',
    serviceCode: '3405',
    description: hostile,
    agencyResponsible: 'Division propreté du 5e',
    serviceNotice: null,
    requestedAt: new Date('2026-03-01T08:00:00Z'),
    updatedAt: new Date('2026-03-02T08:00:00Z'),
    closedAt: null,
    expectedAt: null,
    address: '1 rue des Écoles',
    addressId: null,
    zipcode: '75005',
    lat: 48.8493,
    long: 2.3499,
    mediaUrl: null,
    ...extra,
  };
}

describe('requests', () => {
  it('writes a request with escaped hostile text and typed fields', () => {
    const xml = toXml(buildRequestList([publicRequest()]));
    expect(xml).toBe(
      `${DECL}<service_requests><request><service_request_id>DMR-2026-000123</service_request_id>` +
        '<status>open</status><status_notes></status_notes><service_name>Mégots</service_name>' +
        '<service_code>3405</service_code>' +
        '<description>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ]]&gt; &apos;quote&apos;</description>' +
        '<agency_responsible>Division propreté du 5e</agency_responsible><service_notice></service_notice>' +
        '<requested_datetime>2026-03-01T08:00:00Z</requested_datetime>' +
        '<updated_datetime>2026-03-02T08:00:00Z</updated_datetime><expected_datetime></expected_datetime>' +
        '<address>1 rue des Écoles</address><address_id></address_id><zipcode>75005</zipcode>' +
        '<lat>48.8493</lat><long>2.3499</long><media_url></media_url></request></service_requests>',
    );
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain(']]>');
    const [json] = JSON.parse(toJson(buildRequestList([publicRequest()])));
    expect(json).toMatchObject({
      service_request_id: 'DMR-2026-000123',
      lat: 48.8493,
      long: 2.3499,
      address_id: null,
    });
    expect(json.description).toBe(hostile);
    expect(Object.keys(json)).not.toContain('email');
  });

  it('uses the closing time as updated_datetime for a closed request, and adds extended status on demand', () => {
    const closed = publicRequest({
      state: 'rejected',
      rejectionKind: 'not_responsible',
      closedAt: new Date('2026-03-05T09:00:00Z'),
      updatedAt: new Date('2026-03-06T09:00:00Z'),
    });
    const [plain] = JSON.parse(toJson(buildRequestList([closed])));
    expect(plain).toMatchObject({ status: 'closed', updated_datetime: '2026-03-05T09:00:00Z' });
    expect('extended_status' in plain).toBe(false);
    const [extended] = JSON.parse(
      toJson(buildRequestList([closed], { extensions: true, timeZone: 'Europe/Paris' })),
    );
    expect(extended).toMatchObject({
      extended_status: 'NOT_COUNCILS_RESPONSIBILITY',
      updated_datetime: '2026-03-05T10:00:00+01:00',
    });
  });

  it('leaves archived reports out and returns one request in the same wrapper', () => {
    expect(toJson(buildRequestList([publicRequest({ state: 'archived' })]))).toBe('[]');
    expect(JSON.parse(toJson(buildSingleRequest(publicRequest())))).toHaveLength(1);
    expect(() => buildSingleRequest(publicRequest({ state: 'archived' }))).toThrow(
      'reports.open311.errors.request_not_found',
    );
  });

  it('answers a POST with an id or a token, never both', () => {
    expect(toXml(buildCreateResponse({ serviceRequestId: 'DMR-2026-000124', serviceNotice: null }))).toBe(
      `${DECL}<service_requests><request><service_request_id>DMR-2026-000124</service_request_id>` +
        '<service_notice></service_notice><account_id></account_id></request></service_requests>',
    );
    expect(toJson(buildCreateResponse({ serviceRequestId: '293944', serviceNotice: 'Merci' }))).toBe(
      '[{"service_request_id":"293944","service_notice":"Merci","account_id":null}]',
    );
    expect(toJson(buildCreateResponse({ token: 'abc' }))).toBe(
      '[{"token":"abc","service_notice":null,"account_id":null}]',
    );
    expect(() => buildCreateResponse({ serviceRequestId: '' })).toThrow('reports.open311.id_or_token');
    expect(toJson(buildTokenResponse('abc', null))).toBe('[{"service_request_id":null,"token":"abc"}]');
  });

  it('writes errors as a list', () => {
    const doc = buildErrors([{ code: 403, description: 'Clé invalide <b>' }]);
    expect(toXml(doc)).toBe(
      `${DECL}<errors><error><code>403</code><description>Clé invalide &lt;b&gt;</description></error></errors>`,
    );
    expect(toJson(doc)).toBe('[{"code":403,"description":"Clé invalide <b>"}]');
  });

  it('writes servicerequestupdates', () => {
    const doc = buildServiceRequestUpdates([
      {
        updateId: 'u1',
        serviceRequestId: 'DMR-2026-000123',
        status: 'FIXED',
        updatedAt: new Date('2026-03-05T09:00:00Z'),
        description: 'Nettoyé & <fini>',
        mediaUrl: null,
      },
    ]);
    expect(toXml(doc)).toBe(
      `${DECL}<service_request_updates><request_update><update_id>u1</update_id>` +
        '<service_request_id>DMR-2026-000123</service_request_id><status>FIXED</status>' +
        '<updated_datetime>2026-03-05T09:00:00Z</updated_datetime><description>Nettoyé &amp; &lt;fini&gt;</description>' +
        '<media_url></media_url></request_update></service_request_updates>',
    );
  });
});

describe('parseCreateRequest', () => {
  const context: CreateRequestContext = {
    isApiKeyValid: (key) => key === 'good-key',
    jurisdictionId: 'paris.fr',
    findService: (code) => (code === '1010' ? { questions } : code === '3405' ? { questions: [] } : null),
  };
  const base = { api_key: 'good-key', service_code: '3405', lat: '48.8493', long: '2.3499' };

  it('accepts a minimal request with coordinates as strings or numbers', () => {
    const result = parseCreateRequest(base, context);
    expect(result).toMatchObject({ ok: true, value: { serviceCode: '3405', lat: 48.8493, long: 2.3499 } });
    const numbers = parseCreateRequest({ ...base, lat: 48.85, long: 2.35 }, context);
    expect(numbers).toMatchObject({ ok: true, value: { lat: 48.85, long: 2.35 } });
  });

  it('answers 403 alone on a missing or bad key', () => {
    for (const api_key of [undefined, '', 'bad']) {
      const result = parseCreateRequest({ ...base, api_key, service_code: 'nope' }, context);
      expect(result).toEqual({
        ok: false,
        status: 403,
        errors: [{ code: 403, key: 'reports.open311.errors.api_key_invalid' }],
      });
    }
  });

  it('answers 404 for an unknown service or jurisdiction', () => {
    const result = parseCreateRequest({ ...base, service_code: 'nope' }, context);
    expect(result).toMatchObject({ ok: false, status: 404 });
    const other = parseCreateRequest({ ...base, jurisdiction_id: 'lyon.fr' }, context);
    expect(other).toMatchObject({
      ok: false,
      status: 404,
      errors: [{ key: 'reports.open311.errors.jurisdiction_unknown' }],
    });
    expect(parseCreateRequest({ ...base, jurisdiction_id: 'paris.fr' }, context).ok).toBe(true);
    const required = parseCreateRequest(base, { ...context, requireJurisdiction: true });
    expect(required).toMatchObject({
      status: 400,
      errors: [{ key: 'reports.open311.errors.jurisdiction_required' }],
    });
  });

  it('needs one location form; empty values count as absent', () => {
    const keys = (fields: Record<string, string>) => {
      const result = parseCreateRequest(fields, context);
      return result.ok ? [] : result.errors.map((e) => e.key);
    };
    expect(keys({ api_key: 'good-key', service_code: '3405', lat: '', long: ' ' })).toEqual([
      'reports.open311.errors.location_required',
    ]);
    expect(keys({ api_key: 'good-key', service_code: '3405', lat: '48.8' })).toEqual([
      'reports.open311.errors.location_incomplete',
    ]);
    expect(keys({ ...base, lat: '48,85', long: '1e2' })).toEqual([
      'reports.open311.errors.lat_invalid',
      'reports.open311.errors.long_invalid',
    ]);
    expect(keys({ ...base, lat: '91' })).toEqual(['reports.open311.errors.lat_invalid']);
    expect(
      keys({ api_key: 'good-key', service_code: '3405', address_string: '1 rue des Écoles, Paris' }),
    ).toEqual([]);
    expect(keys({ api_key: 'good-key', service_code: '3405', address_id: '#NOTPINPOINTED#' })).toEqual([]);
    expect(keys({ service_code: '', api_key: 'good-key', address_id: 'x' })).toEqual([
      'reports.open311.errors.service_code_required',
    ]);
  });

  it('limits the description to 4,000 characters, counting characters not bytes', () => {
    const ok = parseCreateRequest({ ...base, description: 'é'.repeat(4000) }, context);
    expect(ok.ok).toBe(true);
    const tooLong = parseCreateRequest({ ...base, description: 'a'.repeat(4001) }, context);
    expect(tooLong).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ key: 'reports.open311.errors.description_too_long', params: { max: 4000 } }],
    });
    const cleaned = parseCreateRequest({ ...base, description: ` line 1\r\nline 2\u0000 ` }, context);
    expect(cleaned).toMatchObject({ ok: true, value: { description: 'line 1\nline 2' } });
    // hostile text is kept as text; escaping happens on output
    expect(parseCreateRequest({ ...base, description: hostile }, context)).toMatchObject({
      value: { description: hostile },
    });
  });

  it('checks and types the attributes, from a decoded url-encoded body', () => {
    const body =
      'api_key=good-key&service_code=1010&lat=48.85&long=2.35' +
      '&attribute%5Bsize%5D=big&attribute%5Bcount%5D=3' +
      '&attribute%5Bkinds%5D%5B%5D=wood&attribute%5Bkinds%5D%5B%5D=metal' +
      '&attribute%5Bseen_at%5D=2026-03-01T08%3A00%3A00%2B01%3A00&attribute%5Bfixmystreet_id%5D=42' +
      '&media_url=https%3A%2F%2Fex.org%2F1.jpg&media_url=https%3A%2F%2Fex.org%2F2.jpg&email=a%40b.fr&first_name=Ana';
    const result = parseCreateRequest(decodeForm(body), context);
    expect(result).toEqual({
      ok: true,
      value: {
        jurisdictionId: null,
        serviceCode: '1010',
        lat: 48.85,
        long: 2.35,
        addressString: null,
        addressId: null,
        description: null,
        mediaUrls: ['https://ex.org/1.jpg', 'https://ex.org/2.jpg'],
        attributes: { size: 'big', count: 3, kinds: ['wood', 'metal'], seen_at: '2026-03-01T07:00:00.000Z' },
        extraAttributes: { fixmystreet_id: ['42'] },
        contact: {
          email: 'a@b.fr',
          firstName: 'Ana',
          lastName: null,
          phone: null,
          accountId: null,
          deviceId: null,
        },
      },
    });
  });

  it('reports every attribute problem at once', () => {
    const result = parseCreateRequest(
      {
        ...base,
        service_code: '1010',
        'attribute[count]': 'three',
        'attribute[kinds][]': ['wood', 'plastic'],
        'attribute[seen_at]': 'yesterday',
        'attribute[more]': 'x'.repeat(4001),
        media_url: 'javascript:alert(1)',
        email: 'not-an-email',
      },
      context,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.errors.map((e) => [e.key, e.params?.code])).toEqual([
      ['reports.open311.errors.email_invalid', undefined],
      ['reports.open311.errors.media_url_invalid', undefined],
      ['reports.open311.errors.attribute_required', 'size'],
      ['reports.open311.errors.attribute_not_number', 'count'],
      ['reports.open311.errors.attribute_bad_value', 'kinds'],
      ['reports.open311.errors.attribute_not_datetime', 'seen_at'],
      ['reports.open311.errors.attribute_too_long', 'more'],
    ]);
    const twoValues = parseCreateRequest(
      { ...base, service_code: '1010', 'attribute[size]': ['big', 'small'] },
      context,
    );
    expect(twoValues).toMatchObject({ errors: [{ key: 'reports.open311.errors.attribute_single_value' }] });
    const bad = parseCreateRequest({ ...base, service_code: '1010', 'attribute[size]': 'huge' }, context);
    expect(bad).toMatchObject({ errors: [{ key: 'reports.open311.errors.attribute_bad_value' }] });
  });

  it('maps error lists to HTTP statuses', () => {
    expect(httpStatusFor([{ code: 400, key: 'a' }])).toBe(400);
    expect(
      httpStatusFor([
        { code: 400, key: 'a' },
        { code: 404, key: 'b' },
      ]),
    ).toBe(404);
    expect(
      httpStatusFor([
        { code: 404, key: 'b' },
        { code: 403, key: 'c' },
      ]),
    ).toBe(403);
    expect(parseDecimal(' -2.5 ')).toBe(-2.5);
    expect(parseDecimal('0x10')).toBeNull();
  });
});

describe('parseRequestsQuery', () => {
  const now = new Date('2026-03-31T00:00:00Z');
  it('defaults to the last 90 days, all statuses, 1,000 requests', () => {
    expect(parseRequestsQuery({}, now)).toEqual({
      ok: true,
      value: {
        kind: 'search',
        serviceCodes: null,
        start: new Date('2025-12-31T00:00:00Z'),
        end: now,
        statuses: ['open', 'closed'],
        limit: 1000,
      },
    });
  });
  it('lets service_request_id override every other parameter', () => {
    expect(
      parseRequestsQuery(
        { service_request_id: 'DMR-2026-000001, DMR-2026-000002', start_date: 'garbage' },
        now,
      ),
    ).toEqual({
      ok: true,
      value: { kind: 'ids', serviceRequestIds: ['DMR-2026-000001', 'DMR-2026-000002'] },
    });
    expect(parseRequestsQuery({ service_request_id: 'a;drop' }, now)).toMatchObject({
      ok: false,
      status: 400,
    });
  });
  it('filters by codes and status, and checks the date range', () => {
    const result = parseRequestsQuery(
      { service_code: '3405,1010', status: 'Closed', start_date: '2026-03-01T00:00:00+01:00', end_date: '' },
      now,
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        serviceCodes: ['3405', '1010'],
        statuses: ['closed'],
        start: new Date('2026-02-28T23:00:00Z'),
        end: now,
      },
    });
    const keys = (fields: Record<string, string>) => {
      const r = parseRequestsQuery(fields, now);
      return r.ok ? [] : r.errors.map((e) => e.key);
    };
    expect(keys({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-04-02T00:00:00Z' })).toEqual([
      'reports.open311.errors.date_range_too_long',
    ]);
    expect(keys({ start_date: '2025-01-01T00:00:00Z', end_date: '2025-03-31T23:59:59Z' })).toEqual([]);
    expect(keys({ start_date: '2025-02-01T00:00:00Z', end_date: '2025-01-01T00:00:00Z' })).toEqual([
      'reports.open311.errors.date_range_inverted',
    ]);
    expect(keys({ start_date: '2025-01-01' })).toEqual(['reports.open311.errors.date_invalid']);
    expect(keys({ status: 'pending' })).toEqual(['reports.open311.errors.status_invalid']);
    expect(
      parseRequestsQuery({ jurisdiction_id: 'lyon.fr' }, now, { jurisdictionId: 'paris.fr' }),
    ).toMatchObject({
      status: 404,
    });
  });
  it('parses the updates window the same way', () => {
    expect(parseUpdatesQuery({ end_date: '2026-03-01T00:00:00Z' }, now)).toEqual({
      ok: true,
      value: { start: new Date('2025-12-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') },
    });
  });
});
