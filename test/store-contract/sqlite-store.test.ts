// The store contract against the SQLite store through its async ports (an in-memory database per test).
import { openStore } from '../../src/store/store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', () => Promise.resolve(openStore(':memory:')));
