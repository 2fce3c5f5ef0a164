import { describe, expect, it } from '@jest/globals';
describe('probe', () => { it('runs', () => { expect(1 + 1).toBe(2); }); });
