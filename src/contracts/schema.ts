// The JSON Schema of the contract format, written by hand as data: ajv validates with it, editors autocomplete with it.
import { METRIC_KINDS, METRIC_PERIODS, PROVIDERS, SEVERITIES } from '../core/contract.js';
import { CONTRACT_API_VERSION, CONTRACT_DEFAULTS, CONTRACT_KINDS } from './defaults.js';

/**
 * Annotation keywords upwatch adds to the schema (editors ignore them):
 * `x-hint` — how to fix a value that fails; `x-must` — what a pattern means, in words ("be a version like v24.0");
 * `x-secret` — the field may hold `${VAR}` references and its value is never printed.
 */
export const SCHEMA_ANNOTATIONS = ['x-hint', 'x-must', 'x-secret'] as const;

/** `$id` of the published schema. */
export const CONTRACT_SCHEMA_ID = 'https://upwatch.dev/schemas/contract.schema.json';

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

const SECRET_REF = '\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}';
const SELECTOR = '^[A-Za-z0-9_-]+(\\[\\])?(\\.[A-Za-z0-9_-]+(\\[\\])?)*$';

const CHANNEL_HINT =
  'a channel is - slack: ${SLACK_WEBHOOK_URL}, or - webhook: https://alerts.example.com/upwatch with secret: ${UPWATCH_WEBHOOK_SECRET}';

const selector = (description: string) => ({
  type: 'string',
  pattern: SELECTOR,
  'x-must': 'be a dotted path such as "data" or "results[].stats.views"',
  description,
});

const lookbackDays = {
  type: 'integer',
  minimum: 1,
  maximum: 90,
  default: CONTRACT_DEFAULTS.lookbackDays,
  description: 'How many days back each poll asks for, so values the upstream restates are seen.',
};

/**
 * The contract schema (draft-07). One document is a `Source`, a `Feature`, an `Event` or a `Model`, chosen by `kind`.
 *
 * @example
 * new Ajv().compile(CONTRACT_SCHEMA)({ apiVersion: 'upwatch/v1', kind: 'Feature', name: 'f', owners: ['a@b.c'], uses: ['s/m'] })
 */
export const CONTRACT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: CONTRACT_SCHEMA_ID,
  title: 'upwatch contract',
  description:
    'One YAML document of an upwatch contract file: a Source (an upstream API, its metrics and watched docs), a Feature (an ML feature and the upstream metrics it uses), an Event (a known happening, its days and what it touches) or a Model (a model, its features, KPIs and trust signals).',
  type: 'object',
  allOf: [
    ref('Envelope'),
    {
      if: { properties: { kind: { const: 'Source' } }, required: ['kind'] },
      then: ref('Source'),
    },
    {
      if: { properties: { kind: { const: 'Feature' } }, required: ['kind'] },
      then: ref('Feature'),
    },
    {
      if: { properties: { kind: { const: 'Event' } }, required: ['kind'] },
      then: ref('Event'),
    },
    {
      if: { properties: { kind: { const: 'Model' } }, required: ['kind'] },
      then: ref('Model'),
    },
  ],
  definitions: {
    Envelope: {
      type: 'object',
      required: ['apiVersion', 'kind'],
      properties: { apiVersion: ref('ApiVersion'), kind: ref('Kind') },
    },
    ApiVersion: {
      const: CONTRACT_API_VERSION,
      description: `Version of the contract format. Always \`${CONTRACT_API_VERSION}\`.`,
      'x-hint': `start each document with apiVersion: ${CONTRACT_API_VERSION}`,
    },
    Kind: {
      enum: [...CONTRACT_KINDS],
      description:
        'What the document declares: `Source` (an upstream API), `Feature` (an ML feature), `Event` (a known happening such as a campaign or a redesign) or `Model` (a model, the features it uses, its KPIs and trust signals).',
    },
    Owners: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: {
        type: 'string',
        format: 'email',
        'x-hint': 'owners are email addresses, e.g. growth-data@example.com',
      },
      description: 'Email addresses told about findings (at least one).',
      'x-hint': 'list at least one email address, e.g. owners: [growth-data@example.com]',
    },
    Channels: {
      type: 'array',
      uniqueItems: true,
      items: ref('Channel'),
      default: [],
      description:
        "Where alerts also go besides the owners' mail, with the same grouping, hourly cap, reminders and resolved notices: a Slack incoming webhook or a signed JSON webhook (docs/alerts.md).",
    },
    Channel: {
      type: 'object',
      description:
        'One alert channel: `slack: ${VAR}` (an incoming-webhook URL, read from the environment when sending), or `webhook: URL` with `secret: ${VAR}` (a JSON POST signed with HMAC-SHA256, schema `upwatch.alert/v1`).',
      additionalProperties: false,
      // One missing-field error, not three, when neither is given.
      if: { required: ['slack'] },
      then: {
        not: { required: ['webhook'] },
        'x-must': 'be one channel: slack or webhook, not both',
        'x-hint': 'split it into two entries: - slack: ${SLACK_WEBHOOK_URL} and - webhook: … with secret: …',
      },
      else: {
        required: ['webhook'],
        properties: { webhook: { 'x-hint': CHANNEL_HINT } },
      },
      dependencies: { webhook: ['secret'], secret: ['webhook'] },
      'x-hint': CHANNEL_HINT,
      properties: {
        slack: {
          type: 'string',
          pattern: `^${SECRET_REF}$`,
          'x-secret': true,
          'x-must': 'be a ${VAR} reference (a Slack webhook URL is a credential: keep it in the environment)',
          'x-hint': 'write slack: ${SLACK_WEBHOOK_URL} and export SLACK_WEBHOOK_URL where upwatch sends',
          description:
            'A Slack incoming-webhook URL, as a `${VAR}` reference to the environment variable that holds it.',
        },
        webhook: {
          type: 'string',
          pattern: `^(https?://[^\\s]+|${SECRET_REF})$`,
          'x-secret': true,
          'x-must': 'be an http(s) URL or a ${VAR} reference',
          'x-hint': CHANNEL_HINT,
          description:
            'URL the alert is POSTed to as JSON (`upwatch.alert/v1`), or a `${VAR}` reference to it.',
        },
        secret: {
          type: 'string',
          pattern: `^${SECRET_REF}$`,
          'x-secret': true,
          'x-must': 'be a ${VAR} reference (never the secret itself)',
          'x-hint': 'write secret: ${UPWATCH_WEBHOOK_SECRET} and export it where upwatch sends',
          description:
            'Key of the `Upwatch-Signature` HMAC-SHA256 header, as a `${VAR}` reference to the environment variable that holds it. Required with `webhook`.',
        },
      },
    },
    SourceName: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9._-]*$',
      maxLength: 100,
      'x-must': 'be lower-case letters, digits, ".", "_" or "-" (no "/")',
      description: 'Unique name of the source; features refer to its metrics as `<source>/<metric>`.',
    },
    Checks: {
      type: 'object',
      description:
        'Per-detector overrides keyed by detector id (see docs/detectors.md): turn a check off, change its severity or tune its options.',
      propertyNames: {
        pattern: '^[a-z0-9][a-z0-9-]*$',
        'x-must': 'be a detector id such as "frozen-run"',
      },
      additionalProperties: ref('CheckOverride'),
    },
    CheckOverride: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'Run this detector (default true).' },
        severity: {
          enum: [...SEVERITIES],
          description: "Severity of this detector's findings, instead of its own.",
        },
        options: {
          type: 'object',
          description: "Detector options, checked against the detector's own options schema.",
        },
      },
    },
    Source: {
      type: 'object',
      description:
        'An upstream API: how to reach it, when to poll it, which docs to watch and which metrics to read.',
      additionalProperties: false,
      required: ['apiVersion', 'kind', 'name', 'owners', 'provider', 'metrics'],
      properties: {
        apiVersion: ref('ApiVersion'),
        kind: { const: 'Source' },
        name: ref('SourceName'),
        description: { type: 'string', description: 'What this upstream is, for people reading alerts.' },
        owners: ref('Owners'),
        channels: ref('Channels'),
        provider: {
          enum: [...PROVIDERS],
          description:
            'How values arrive: polled from `meta-graph` (Graph API Page Insights) or `http-json` (any JSON API), or `push`ed by a warehouse job through `upwatch ingest` (no connection, no schedule; `freshnessHours` says how often a push is expected).',
          'x-hint':
            'use meta-graph for Facebook Page Insights, http-json for any other JSON API, push for values a job sends with upwatch ingest',
        },
        connection: {
          type: 'object',
          description:
            'Where and how to connect; fields depend on `provider` (see MetaGraphConnection, HttpJsonConnection).',
        },
        schedule: {
          type: 'string',
          description:
            'When to poll: a five-field cron expression (minute hour day-of-month month day-of-week).',
          examples: ['0 7 * * *'],
          'x-hint': 'a cron expression in quotes, e.g. schedule: "0 7 * * *" (07:00 every day)',
        },
        timezone: {
          type: 'string',
          default: CONTRACT_DEFAULTS.timezone,
          description: 'IANA time zone the schedule is read in, e.g. `Europe/Paris`.',
          'x-hint': 'an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles',
        },
        freshnessHours: {
          type: 'number',
          exclusiveMinimum: 0,
          default: CONTRACT_DEFAULTS.freshnessHours,
          description:
            'How long the source, or one of its metrics, may go without a verified answer before its features turn to `warn`.',
        },
        pollDeadlineSeconds: {
          type: 'number',
          exclusiveMinimum: 0,
          description:
            'Overall deadline of one poll of this source, in seconds (default: the `pollDeadline` setting, 300). ' +
            'Requests still waiting then are cut and recorded as not verified.',
        },
        docs: {
          type: 'array',
          items: ref('Doc'),
          default: [],
          description:
            'Upstream documents to watch for changes: OpenAPI documents and changelog / deprecation pages.',
        },
        metrics: {
          type: 'array',
          minItems: 1,
          items: ref('Metric'),
          description: 'The metrics read from this source.',
          'x-hint':
            'declare at least one metric: metrics: [{ name: page_media_view, period: day, kind: count }]',
        },
        checks: { ...ref('Checks'), default: {} },
      },
      allOf: [
        {
          if: { properties: { provider: { const: 'push' } }, required: ['provider'] },
          then: {
            properties: {
              connection: {
                not: {},
                'x-must': 'be left out: a push source has nothing to connect to',
                'x-hint': 'remove connection; upwatch ingest --source NAME FILE feeds a push source',
              },
              schedule: {
                not: {},
                'x-must': 'be left out: a push source is never polled',
                'x-hint': 'remove schedule; set freshnessHours to how often a push is expected',
              },
            },
          },
          else: { required: ['connection', 'schedule'] },
        },
        {
          if: { properties: { provider: { const: 'meta-graph' } }, required: ['provider'] },
          then: { properties: { connection: ref('MetaGraphConnection') } },
        },
        {
          if: { properties: { provider: { const: 'http-json' } }, required: ['provider'] },
          then: { properties: { connection: ref('HttpJsonConnection') } },
        },
      ],
    },
    MetaGraphConnection: {
      type: 'object',
      description: 'Connection of a `meta-graph` source (Facebook Graph API, Page Insights).',
      additionalProperties: false,
      required: ['apiVersion', 'accessToken', 'pages'],
      properties: {
        baseUrl: {
          type: 'string',
          format: 'uri',
          pattern: '^https?://',
          default: CONTRACT_DEFAULTS.metaBaseUrl,
          'x-must': 'be an http(s) URL',
          description: 'Graph API host.',
        },
        apiVersion: {
          type: 'string',
          pattern: '^v\\d+\\.\\d+$',
          'x-must': 'be a Graph API version like "v24.0"',
          'x-hint': 'pin the version you tested with, e.g. apiVersion: v24.0 (quoted or not, with the "v")',
          description:
            'Pinned Graph API version, e.g. `v24.0`; a response served by another version is a finding.',
        },
        accessToken: {
          type: 'string',
          pattern: SECRET_REF,
          'x-secret': true,
          'x-must': 'reference an environment variable like ${META_PAGE_TOKEN}',
          'x-hint':
            'never paste a token into a contract: write accessToken: ${META_PAGE_TOKEN} and export the variable',
          description: 'Page access token, as a `${ENV_VAR}` reference (resolved only when polling).',
        },
        pages: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^\\d+$',
            'x-must': 'be a numeric page id',
            'x-hint': 'quote page ids so YAML keeps every digit: pages: ["104100000000001"]',
          },
          description: 'Page ids polled for every metric.',
          'x-hint': 'quote page ids so YAML keeps every digit: pages: ["104100000000001"]',
        },
        lookbackDays,
      },
    },
    HttpJsonConnection: {
      type: 'object',
      description:
        'Connection of an `http-json` source: a URL template, headers and the selectors that find records.',
      additionalProperties: false,
      required: ['url', 'select'],
      properties: {
        url: {
          type: 'string',
          pattern: '^https?://',
          'x-secret': true,
          'x-must': 'be an http(s) URL template',
          description:
            'URL template. Placeholders: `{since}`, `{until}` (ISO days), `{entity}`, `{metric}`; `${VAR}` for secrets.',
          examples: ['https://partner.example.com/v2/stats?day={since}&account={entity}'],
        },
        headers: {
          type: 'object',
          additionalProperties: { type: 'string', 'x-secret': true },
          default: {},
          description:
            'Request headers; values may use `${VAR}` (e.g. `Authorization: Bearer ${PARTNER_API_TOKEN}`).',
          'x-hint': 'header values are strings, e.g. Authorization: "Bearer ${PARTNER_API_TOKEN}"',
        },
        entities: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          default: [],
          description:
            'Values substituted for `{entity}`, one request each; empty when one URL returns every entity.',
        },
        apiVersion: {
          type: 'string',
          minLength: 1,
          description: 'Pinned API version, compared with `versionHeader` on each response.',
        },
        versionHeader: {
          type: 'string',
          pattern: '^[A-Za-z0-9-]+$',
          'x-must': 'be a header name such as "api-version"',
          description: 'Response header that names the version that served the call.',
        },
        select: ref('HttpJsonSelect'),
        lookbackDays,
      },
    },
    HttpJsonSelect: {
      type: 'object',
      description:
        "Selectors (dotted paths, `[]` for arrays) that turn a response into (entity, time, metric, value) records. Wide format: one record holds every metric, read through each metric's `field`. Long format: set `metric` and `value`.",
      additionalProperties: false,
      required: ['records', 'time'],
      properties: {
        records: selector('Path to the array of records in the response, e.g. `data` or `results`.'),
        entity: selector('Path inside a record to the entity id; omit when the URL is per entity.'),
        time: selector('Path inside a record to the period end (ISO date or date-time, or epoch seconds).'),
        metric: selector('Long format: path inside a record to the metric name.'),
        value: selector('Long format: path inside a record to the value.'),
        next: selector('Path in the response to the URL of the next page (next-link pagination).'),
      },
      dependencies: { metric: ['value'], value: ['metric'] },
      'x-hint': 'long-format responses set both metric and value; wide-format responses set neither',
    },
    Doc: {
      type: 'object',
      description: 'An upstream document to watch: an OpenAPI document, or a changelog / deprecation page.',
      additionalProperties: false,
      required: ['name', 'kind', 'url'],
      properties: {
        name: { ...ref('SourceName'), description: 'Unique name of the doc within its source.' },
        kind: {
          enum: ['openapi', 'changelog'],
          description: '`openapi` (JSON or YAML OpenAPI document) or `changelog` (an HTML or text page).',
          'x-hint': 'use openapi for a machine-readable API description, changelog for a web page',
        },
        url: {
          type: 'string',
          format: 'uri',
          pattern: '^(https?|file)://',
          'x-must': 'be an http(s) or file URL',
          description: 'Where to fetch the document.',
        },
        operations: {
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) /\\S*$',
            'x-must': 'be "METHOD /path", e.g. "GET /v1/charges"',
          },
          default: [],
          description: 'OpenAPI only: the operations in scope, as `METHOD /path`. Empty = every operation.',
        },
        fields: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          default: [],
          description:
            'OpenAPI only: response fields the contract reads (dotted paths). Empty = every field.',
        },
      },
    },
    Metric: {
      type: 'object',
      description: 'One metric: a named value series per entity and period.',
      additionalProperties: false,
      required: ['name', 'kind'],
      properties: {
        name: {
          type: 'string',
          pattern: '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$',
          maxLength: 200,
          'x-must': 'be letters, digits, "_", ".", ":" or "-" (no "/" or spaces)',
          description: "The upstream's name for the metric, e.g. `page_media_view`.",
        },
        period: {
          enum: [...METRIC_PERIODS],
          default: CONTRACT_DEFAULTS.period,
          description: 'Aggregation period of each value.',
        },
        kind: {
          enum: [...METRIC_KINDS],
          description:
            'What the numbers are: `count` (how many), `ratio` (a 0..1 share), `percent` (a 0..100 share), `amount` (with a `unit`), `gauge` (a level), `categorical` (a count per category; the value is the total).',
          'x-hint': 'a 0..1 share is "ratio"; a 0..100 share is "percent"',
        },
        unit: {
          type: 'string',
          minLength: 1,
          description: 'Unit of an `amount` (e.g. `USD`, `seconds`, `bytes`) or of a gauge.',
        },
        range: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { min: { type: 'number' }, max: { type: 'number' } },
          description: 'Expected range of values; a value outside it is a finding.',
          'x-hint': 'give min, max or both, e.g. range: { min: 0, max: 1 }',
        },
        description: { type: 'string', description: 'What the metric measures.' },
        field: {
          ...selector(
            "`http-json` wide format: path inside a record to this metric's value (default: the metric name).",
          ),
        },
        checks: { ...ref('Checks'), default: {} },
        numerator: {
          type: 'string',
          minLength: 1,
          description:
            'A `ratio` computed from two counts of this source: the count on top (e.g. `claims`). upwatch derives the value per entity and day instead of fetching it, and the `rate-shift` check weighs each rate by its denominator.',
        },
        denominator: {
          type: 'string',
          minLength: 1,
          description:
            'The count below the line (e.g. `policies`); a day with a zero denominator has no rate.',
        },
        categories: {
          type: 'object',
          additionalProperties: false,
          properties: {
            known: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              uniqueItems: true,
              default: [],
              description:
                'Categories the consumers know (e.g. the intents a tagger emits). A category outside this list that takes a real share is new; a known one that stops arriving has vanished. Empty: learned from the baseline.',
            },
            other: {
              type: 'string',
              minLength: 1,
              description:
                'Label of the catch-all category (`other`, `unknown`): its share rising means the categories no longer fit the data.',
            },
          },
          description:
            'A `categorical` metric (counts per category, pushed with a `category` column or fetched as a breakdown object): its known categories and catch-all label.',
          'x-hint': 'e.g. categories: { known: [navigational, informational, video], other: other }',
        },
        segments: {
          type: 'object',
          additionalProperties: false,
          required: ['dimension'],
          properties: {
            dimension: {
              type: 'string',
              minLength: 1,
              description: 'What the entities are values of, e.g. `risk_band`, `country`, `intent`.',
            },
            order: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              uniqueItems: true,
              minItems: 2,
              description:
                'The values from lowest to highest, for ordered bands (predicted risk `[low, medium, high]`): `band-convergence` checks that their rates keep that order, and ingest refuses a value outside it.',
            },
          },
          description:
            'A segmented metric: its entities are the values of `dimension` (pushed in a `segment` column), each watched against its own past and, for ordered bands, against its neighbours.',
          'x-hint': 'e.g. segments: { dimension: risk_band, order: [low, medium, high] }',
        },
      },
      dependencies: { numerator: ['denominator'], denominator: ['numerator'] },
      if: { properties: { kind: { const: 'amount' } }, required: ['kind'] },
      then: { required: ['unit'] },
    },
    Feature: {
      type: 'object',
      description:
        'A downstream ML feature: who owns it, which upstream metrics it uses, and what blocks it.',
      additionalProperties: false,
      required: ['apiVersion', 'kind', 'name', 'owners', 'uses'],
      properties: {
        apiVersion: ref('ApiVersion'),
        kind: { const: 'Feature' },
        name: {
          type: 'string',
          pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
          maxLength: 200,
          'x-must': 'be letters, digits, "_", "." or "-"',
          description: 'Unique name of the feature (what `upwatch gate` takes).',
        },
        description: { type: 'string', description: 'What the feature is.' },
        owners: ref('Owners'),
        channels: ref('Channels'),
        uses: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^[^/\\s]+/[^/\\s]+$',
            'x-must': 'be "source/metric"',
            'x-hint': 'write source/metric, e.g. meta-page-insights/page_media_view',
          },
          description: 'Upstream metrics the feature is computed from, as `source/metric`.',
          'x-hint': 'list source/metric references, e.g. uses: [meta-page-insights/page_media_view]',
        },
        policy: {
          type: 'object',
          additionalProperties: false,
          description: 'Which open findings block or warn this feature.',
          properties: {
            blockOn: {
              type: 'array',
              uniqueItems: true,
              items: { enum: [...SEVERITIES] },
              default: [...CONTRACT_DEFAULTS.blockOn],
              description: 'Severities of open findings that block the feature.',
            },
            warnOn: {
              type: 'array',
              uniqueItems: true,
              items: { enum: [...SEVERITIES] },
              default: [...CONTRACT_DEFAULTS.warnOn],
              description: 'Severities of open findings that turn the feature to `warn`.',
            },
          },
        },
        model: {
          type: 'string',
          pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
          'x-must': 'be letters, digits, "_", "." or "-"',
          description: 'Model the feature belongs to, for a whole-model gate (`upwatch gate --model M`).',
        },
      },
    },

    Event: {
      type: 'object',
      description:
        'A known happening (campaign launch, UI redesign, outage, backfill): its days and what it touches. Findings that begin inside it are linked to it; with `train: false` the retrain advisor drops its days from training.',
      additionalProperties: false,
      required: ['apiVersion', 'kind', 'name', 'from', 'to'],
      anyOf: [{ required: ['sources'] }, { required: ['metrics'] }, { required: ['features'] }],
      'x-hint': 'say what the event touches: sources, metrics (source/metric) or features',
      properties: {
        apiVersion: ref('ApiVersion'),
        kind: { const: 'Event' },
        name: {
          type: 'string',
          pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
          maxLength: 200,
          'x-must': 'be letters, digits, "_", "." or "-"',
          description: 'Unique name of the event, e.g. `ui-redesign-2026-03`.',
        },
        description: { type: 'string', description: 'What happened.' },
        from: {
          type: 'string',
          pattern: '^\\d{4}-\\d{2}-\\d{2}$',
          'x-must': 'be an ISO day such as 2026-03-10',
          description: 'First day of the event (ISO day, UTC).',
        },
        to: {
          type: 'string',
          pattern: '^\\d{4}-\\d{2}-\\d{2}$',
          'x-must': 'be an ISO day such as 2026-03-16',
          description: 'Last day of the event, included (ISO day, UTC).',
        },
        sources: {
          type: 'array',
          uniqueItems: true,
          items: ref('SourceName'),
          default: [],
          description: 'Sources the event touches (every metric of each).',
        },
        metrics: {
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^[^/\\s]+/[^/\\s]+$',
            'x-must': 'be "source/metric"',
            'x-hint': 'write source/metric, e.g. meta-page-insights/page_media_view',
          },
          default: [],
          description: 'Metrics the event touches, as `source/metric`.',
        },
        features: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string' },
          default: [],
          description: 'Features the event touches.',
        },
        train: {
          type: 'boolean',
          default: false,
          description:
            'Whether a model may learn from the days of the event (`upwatch advise`, `upwatch mask`).',
        },
      },
    },

    Model: {
      type: 'object',
      description:
        'A model: who owns it, the features it uses, and the metrics that tell whether it still works (KPIs measured after prediction, trust signals such as an override rate). `upwatch gate --model` and `upwatch advise` use its feature list; alerts about its KPIs and trust signals also go to its owners.',
      additionalProperties: false,
      required: ['apiVersion', 'kind', 'name', 'owners', 'features'],
      properties: {
        apiVersion: ref('ApiVersion'),
        kind: { const: 'Model' },
        name: {
          type: 'string',
          pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
          maxLength: 200,
          'x-must': 'be letters, digits, "_", "." or "-"',
          description: 'Unique name of the model (what `upwatch gate --model` takes).',
        },
        description: { type: 'string', description: 'What the model decides.' },
        owners: ref('Owners'),
        channels: ref('Channels'),
        features: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { type: 'string', minLength: 1 },
          description: 'Features the model uses (declared `Feature` names).',
          'x-hint': 'list the features the model reads, e.g. features: [page_reach_7d]',
        },
        kpis: {
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^[^/\\s]+/[^/\\s]+$',
            'x-must': 'be "source/metric"',
            'x-hint': 'write source/metric, e.g. claims-warehouse/claim_rate_low_band',
          },
          default: [],
          description:
            'Metrics measured after prediction that say whether the model works (a loss ratio per risk band, a click-through rate), as `source/metric`.',
        },
        trustSignals: {
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'string',
            pattern: '^[^/\\s]+/[^/\\s]+$',
            'x-must': 'be "source/metric"',
            'x-hint': 'write source/metric, e.g. loan-desk/override_rate',
          },
          default: [],
          description:
            "Metrics that show whether people still trust the model's decisions (an override rate, a bypass rate), as `source/metric`.",
        },
      },
    },
  },
} as const;

/** Definitions in the order the field reference lists them. */
export const REFERENCE_DEFINITIONS = [
  'Source',
  'MetaGraphConnection',
  'HttpJsonConnection',
  'HttpJsonSelect',
  'Doc',
  'Metric',
  'CheckOverride',
  'Feature',
  'Event',
  'Model',
  'Channel',
] as const;
