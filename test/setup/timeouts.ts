/**
 * No test may depend on the machine's speed (a clean-clone CI run failed on jest's 5 s default
 * while the machine was busy). Every test and hook gets a generous limit unless it sets its own,
 * and Testing Library's findBy/waitFor wait as long: under load a React update can take seconds.
 * Speed is measured by `npm run bench`, never here.
 */
import { configure } from '@testing-library/dom';

export const DEFAULT_TEST_TIMEOUT_MS = 180_000;

jest.setTimeout(DEFAULT_TEST_TIMEOUT_MS);
configure({ asyncUtilTimeout: 60_000 });
