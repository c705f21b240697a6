import { runsInRound } from '../../bench/rounds';

describe('runsInRound', () => {
  const runs = ['direct upstream', 'gateway', 'fastify http-proxy'];

  it('keeps the listed order in odd rounds and reverses it in even ones', () => {
    expect(runsInRound(runs, 1)).toEqual(runs);
    expect(runsInRound(runs, 2)).toEqual(['fastify http-proxy', 'gateway', 'direct upstream']);
    expect(runsInRound(runs, 3)).toEqual(runs);
  });

  it('does not reorder the caller’s list', () => {
    runsInRound(runs, 2);
    expect(runs).toEqual(['direct upstream', 'gateway', 'fastify http-proxy']);
  });

  it.each([0, -1, 1.5])('rejects round %p', (round) => {
    expect(() => runsInRound(runs, round)).toThrow(`round must be a whole number from 1, got ${round}`);
  });
});
