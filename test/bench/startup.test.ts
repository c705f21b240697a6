import { startupLine, STARTUP_TARGET_MS } from '../../bench/startup';

describe('the start-up line of npm run bench', () => {
  it('reports the medians and spreads, and judges the target on the runs without tracing', () => {
    expect(startupLine({ tracingOff: [240, 212, 199, 260, 230], tracingOn: [400, 380, 420] }, '1')).toBe(
      'start-up (spawn -> "gateway serving", built bundle, bench route table, pinned to CPU 1): median 230 ms of 5 runs (min 199, max 260); target <= 300 ms: met; ' +
        'with tracing on as in the gateway row (OpenTelemetry SDK loaded): median 400 ms of 3 runs (min 380, max 420)',
    );
  });

  it('says NOT MET above the target, and that the process was not pinned when it was not', () => {
    expect(startupLine({ tracingOff: [STARTUP_TARGET_MS + 1, STARTUP_TARGET_MS + 50], tracingOn: [500] }, undefined)).toBe(
      'start-up (spawn -> "gateway serving", built bundle, bench route table, not pinned): median 326 ms of 2 runs (min 301, max 350); target <= 300 ms: NOT MET; ' +
        'with tracing on as in the gateway row (OpenTelemetry SDK loaded): median 500 ms of 1 runs (min 500, max 500)',
    );
  });

  it('says so when nothing was measured', () => {
    expect(startupLine({ tracingOff: [], tracingOn: [] }, '1')).toBe('start-up: not measured');
  });
});
