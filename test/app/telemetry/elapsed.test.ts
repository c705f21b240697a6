import { performance } from 'node:perf_hooks';
import { secondsSince } from '../../../app/src/telemetry/elapsed';

describe('secondsSince', () => {
  it('turns a performance.now() mark into seconds elapsed', () => {
    const elapsed = secondsSince(performance.now() - 1500);
    expect(elapsed).toBeGreaterThanOrEqual(1.5);
    // Generous: only the unit is under test, not the machine's speed.
    expect(elapsed).toBeLessThan(60);
  });
});
