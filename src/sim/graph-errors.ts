// Graph API error bodies with Meta's real codes, types, messages and HTTP statuses.

/** The `error` object of a Graph error response. */
export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id: string;
}

/** A Graph error before its trace id: the HTTP status it travels with and the body fields. */
export interface GraphErrorSpec {
  status: number;
  error: Omit<GraphErrorBody, 'fbtrace_id'>;
  /** Throttling: minutes until access is regained (goes into the usage headers). */
  regainMinutes?: number;
}

const OAUTH = 'OAuthException';

/** `(#100) The value must be a valid insights metric`: one invalid or removed metric fails the whole request. */
export function invalidMetricError(): GraphErrorSpec {
  return {
    status: 400,
    error: { message: '(#100) The value must be a valid insights metric', type: OAUTH, code: 100 },
  };
}

/** since/until further apart than the 90-day insights window. */
export function windowTooLargeError(maxDays: number): GraphErrorSpec {
  return {
    status: 400,
    error: {
      message: `(#100) There cannot be more than ${maxDays} days (${maxDays * 86_400} s) between since and until`,
      type: OAUTH,
      code: 100,
    },
  };
}

/** A parameter Graph could not accept (bad period, since after until, unparseable time). */
export function invalidParameterError(message: string): GraphErrorSpec {
  return { status: 400, error: { message: `(#100) ${message}`, type: OAUTH, code: 100 } };
}

/** `metric` missing: error 3001 / 1504028 "No Metric Specified". */
export function noMetricError(): GraphErrorSpec {
  return {
    status: 400,
    error: {
      message: 'Invalid query',
      type: OAUTH,
      code: 3001,
      error_subcode: 1504028,
      is_transient: false,
      error_user_title: 'No Metric Specified',
      error_user_msg:
        'No metric was specified to be fetched. Please specify one or more comma separated metrics to be fetched.',
    },
  };
}

/** An object id that does not exist (also what an unknown version segment reads as): 100 / subcode 33. */
export function unsupportedGetError(objectId: string): GraphErrorSpec {
  return {
    status: 400,
    error: {
      message:
        `Unsupported get request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing ` +
        'permissions, or does not support this operation. Please read the Graph API documentation at ' +
        'https://developers.facebook.com/docs/graph-api',
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
    },
  };
}

/** An edge the object does not have: 2500 "Unknown path components". */
export function unknownPathError(path: string): GraphErrorSpec {
  return { status: 400, error: { message: `Unknown path components: ${path}`, type: OAUTH, code: 2500 } };
}

const TOKEN_MESSAGES: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application 1234567890.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired. The current time is later than the expiry time of the token.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
};

/** Token errors: 190 with a subcode (458, 460, 463 expired, 467 invalid), or without one for an unparseable token. */
export function tokenError(subcode?: number): GraphErrorSpec {
  const message =
    subcode === undefined
      ? 'Invalid OAuth access token - Cannot parse access token'
      : (TOKEN_MESSAGES[subcode] ?? 'Error validating access token: The access token is invalid.');
  return {
    status: 400,
    error: { message, type: OAUTH, code: 190, ...(subcode === undefined ? {} : { error_subcode: subcode }) },
  };
}

/** No access token at all. (Meta answers #104 here; the simulator answers 190 so clients treat it as a token error.) */
export function missingTokenError(): GraphErrorSpec {
  return {
    status: 400,
    error: { message: 'An access token is required to request this resource.', type: OAUTH, code: 190 },
  };
}

const THROTTLE_MESSAGES: Record<number, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  341: '(#341) Application limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001:
    '(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, ' +
    'please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
};

/**
 * The Graph error for an injected code: 1/2 transient (HTTP 500/503, `is_transient: true`), throttling
 * 4/17/32/341/613/80001 (HTTP 400, `is_transient: true`), 190 token, 10/200 permission, anything else as given.
 *
 * @example
 * graphErrorFor(80001, undefined, 15).error.message // '(#80001) There have been too many calls to this Page …'
 */
export function graphErrorFor(code: number, subcode?: number, regainMinutes?: number): GraphErrorSpec {
  if (code === 1) {
    return {
      status: 500,
      error: { message: 'An unknown error has occurred.', type: OAUTH, code: 1, is_transient: true },
    };
  }
  if (code === 2) {
    return {
      status: 503,
      error: {
        message: 'An unexpected error has occurred. Please retry your request later.',
        type: OAUTH,
        code: 2,
        is_transient: true,
      },
    };
  }
  const throttle = THROTTLE_MESSAGES[code];
  if (throttle !== undefined) {
    return {
      status: 400,
      error: {
        message: throttle,
        type: OAUTH,
        code,
        is_transient: true,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
      },
      regainMinutes: regainMinutes ?? 10,
    };
  }
  if (code === 190) return tokenError(subcode);
  if (code === 10 || (code >= 200 && code <= 299)) {
    return {
      status: 403,
      error: {
        message: `(#${code}) Requires pages_read_engagement and read_insights permission to access this resource`,
        type: OAUTH,
        code,
      },
    };
  }
  if (code === 100) return invalidMetricError();
  return { status: 400, error: { message: `(#${code}) Simulated error`, type: OAUTH, code } };
}

/** The JSON body for a spec and a fresh trace id. */
export function graphErrorJson(spec: GraphErrorSpec, fbtraceId: string): { error: GraphErrorBody } {
  return { error: { ...spec.error, fbtrace_id: fbtraceId } };
}
