// Which `upwatch run` roles a store and flags allow: refused before anything is opened, with a usage error.
import { describe, expect, it } from 'vitest';
import { isUpwatchError } from '../../core/errors.js';
import { checkRole } from './run-fleet.js';

const PG = 'postgres://upwatch@db.internal:5432/upwatch?schema=team';

describe('checkRole', () => {
  it.each([
    ['all', '.upwatch/upwatch.db', {}, 'all'],
    ['all', PG, { pollOnStart: true }, 'all'],
    ['scheduler', PG, {}, 'scheduler'],
    ['worker', PG, { pollOnStart: false }, 'worker'],
  ] as const)('allows --role %s on %s with %o', (role, db, flags, expected) => {
    expect(checkRole(role, db, flags)).toBe(expected);
  });

  it.each([
    ['boss', PG, {}, /unknown --role "boss"/],
    ['worker', '.upwatch/upwatch.db', {}, /needs a PostgreSQL store/],
    ['scheduler', PG, { pollOnStart: true }, /--poll-on-start does not apply to --role scheduler/],
    ['worker', PG, { pollOnStart: true }, /--poll-on-start does not apply to --role worker/],
  ] as const)('refuses --role %s on %s with %o', (role, db, flags, message) => {
    let error: unknown;
    try {
      checkRole(role, db, flags);
    } catch (e) {
      error = e;
    }
    expect(isUpwatchError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
