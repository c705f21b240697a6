import type { Measurement } from '../../bench/load';
import { byRoundText, combineRounds, pairedRatios, type RunOutcome } from '../../bench/report';

function round(requestsPerSecond: number, cpuMicrosPerRequest: number | undefined, extra: Partial<Measurement> = {}): RunOutcome {
  return {
    name: 'gateway',
    kind: 'measured',
    notes: ['OTLP sink received spans'],
    measurement: {
      requestsPerSecond,
      p50Ms: 10,
      p99Ms: 40,
      cpuMicrosPerRequest,
      cpuPercent: 99,
      clientCoresBusyPercent: 60,
      completed: 1000,
      totalRequests: 51_000,
      non2xx: 0,
      errors: 0,
      statusCodes: { '200': 1000 },
      ...extra,
    },
  };
}

describe('combineRounds', () => {
  it('reports the median of each figure, so one disturbed round moves nothing', () => {
    const combined = combineRounds([round(4000, 250), round(1000, 900), round(4200, 240)]);
    expect(combined.kind).toBe('measured');
    if (combined.kind !== 'measured') return;
    expect(combined.measurement.requestsPerSecond).toBe(4000);
    expect(combined.measurement.cpuMicrosPerRequest).toBe(250);
    expect(combined.notes[0]).toBe('median of 3 rounds; by round: req/s 4000, 1000, 4200; CPU µs/req 250.0, 900.0, 240.0');
    expect(combined.notes.slice(1)).toEqual(['round 1: OTLP sink received spans', 'round 2: OTLP sink received spans', 'round 3: OTLP sink received spans']);
  });

  it('averages the middle two of an even number of rounds', () => {
    const combined = combineRounds([round(1000, 100), round(3000, 300)]);
    expect(combined.kind === 'measured' && combined.measurement.requestsPerSecond).toBe(2000);
  });

  it('sums counts, so an error in any round fails the row', () => {
    const combined = combineRounds([round(4000, 250), round(4000, 250, { non2xx: 2, statusCodes: { '200': 998, '502': 2 } })]);
    expect(combined.kind === 'measured' && combined.measurement).toMatchObject({ completed: 2000, non2xx: 2, statusCodes: { '200': 1998, '502': 2 } });
  });

  it('leaves CPU figures out when a round could not measure them', () => {
    const combined = combineRounds([round(4000, 250), round(4000, undefined)]);
    expect(combined.kind === 'measured' && combined.measurement.cpuMicrosPerRequest).toBeUndefined();
  });

  it('reports a run that failed in any round as failed, naming the round', () => {
    const failed: RunOutcome = { name: 'gateway', kind: 'failed', reason: 'died under load' };
    expect(combineRounds([round(4000, 250), failed, round(4000, 250)])).toEqual({ name: 'gateway', kind: 'failed', reason: 'round 2 of 3: died under load' });
  });

  it('passes a single round through unchanged', () => {
    const only = round(4000, 250);
    expect(combineRounds([only])).toBe(only);
  });
});

describe('pairedRatios', () => {
  const times = (ratio: number) => `${ratio.toFixed(2)}x`;
  const rps = (m: Measurement) => m.requestsPerSecond;

  it('divides the rounds of one index, which ran back to back, and takes their median rather than dividing medians', () => {
    const rounds = new Map([
      ['gateway', [round(5000, 200), round(4000, 250), round(6000, 160)]],
      ['fastify', [round(4000, 250), round(5000, 200), round(5000, 190)]],
    ]);
    const throughput = pairedRatios(rounds, 'gateway', 'fastify', rps);
    expect(throughput.byRound).toEqual([1.25, 0.8, 1.2]);
    // The medians of the rows are 5000 and 5000, a ratio of 1.00.
    expect(throughput.median).toBe(1.2);
    expect(byRoundText(throughput, times)).toBe(' (by round: 1.25x, 0.80x, 1.20x)');
    expect(byRoundText(pairedRatios(rounds, 'fastify', 'gateway', (m) => m.cpuMicrosPerRequest), times)).toBe(' (by round: 1.25x, 0.80x, 1.19x)');
  });

  it('leaves out a round either run has no figure for, and shows no rounds for a single one', () => {
    const skipped: RunOutcome = { name: 'fastify', kind: 'failed', reason: 'died under load' };
    const rounds = new Map([
      ['gateway', [round(5000, undefined), round(4000, 250)]],
      ['fastify', [round(4000, 250), skipped]],
      ['once', [round(4000, 250)]],
    ]);
    const throughput = pairedRatios(rounds, 'gateway', 'fastify', rps);
    expect(throughput).toEqual({ byRound: [1.25, undefined], median: 1.25 });
    expect(byRoundText(throughput, times)).toBe(' (by round: 1.25x, -)');
    const cpu = pairedRatios(rounds, 'gateway', 'fastify', (m) => m.cpuMicrosPerRequest);
    expect(cpu.median).toBeUndefined();
    expect(byRoundText(cpu, times)).toBe(' (by round: -, -)');
    const once = pairedRatios(rounds, 'once', 'gateway', rps);
    expect(once.median).toBe(0.8);
    expect(byRoundText(once, times)).toBe('');
  });

  it('has no ratio for a run that never ran', () => {
    expect(pairedRatios(new Map([['gateway', [round(5000, 200)]]]), 'gateway', 'nginx', rps)).toEqual({ byRound: [undefined], median: undefined });
  });
});
