import { Histogram, Registry } from 'prom-client';
import { SeriesHistogram } from '../../../app/src/telemetry/series-histogram';

const BUCKETS = [0.001, 0.005, 0.01, 0.1, 1];
const LABEL_NAMES = ['route', 'outcome'] as const;
type Label = (typeof LABEL_NAMES)[number];

/** Bounds themselves, values between and beyond them, zero, and sums that do not add up exactly in binary. */
const OBSERVATIONS: ReadonlyArray<[Partial<Record<Label, string>>, number]> = [
  [{ route: 'users', outcome: 'success' }, 0],
  [{ route: 'users', outcome: 'success' }, 0.001],
  [{ route: 'users', outcome: 'success' }, 0.0010001],
  [{ route: 'users', outcome: 'success' }, 0.1],
  [{ route: 'users', outcome: 'success' }, 0.3],
  [{ route: 'users', outcome: 'timeout' }, 1],
  [{ route: 'users', outcome: 'timeout' }, 7.25],
  [{ route: 'orders', outcome: 'success' }, 0.007],
  [{ route: 'orders', outcome: 'success' }, 0.2],
  [{ route: 'users', outcome: 'success' }, 0.0049],
];

function both(): { reference: Registry; referenceHistogram: Histogram<Label>; subject: Registry; histogram: SeriesHistogram<Label> } {
  const reference = new Registry();
  const subject = new Registry();
  const config = { name: 'test_duration_seconds', help: 'Test durations.', labelNames: [...LABEL_NAMES] };
  return {
    reference,
    referenceHistogram: new Histogram({ ...config, buckets: BUCKETS, registers: [reference] }),
    subject,
    histogram: new SeriesHistogram({ ...config, buckets: BUCKETS, registers: [subject] }),
  };
}

describe('SeriesHistogram', () => {
  it('exports what a prom-client Histogram exports for the same observations, as text and as JSON', async () => {
    const { reference, referenceHistogram, subject, histogram } = both();
    for (const [labels, value] of OBSERVATIONS) {
      referenceHistogram.observe(labels, value);
      histogram.series(labels).observe(value);
    }
    const text = await subject.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('test_duration_seconds_bucket{le="0.001",route="users",outcome="success"} 2');
    expect(text).toContain('test_duration_seconds_bucket{le="+Inf",route="users",outcome="timeout"} 2');
    expect(await subject.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('exports a series with no observations as zeros, and keeps values recorded through observe()', async () => {
    const { subject, histogram } = both();
    histogram.series({ route: 'idle', outcome: 'success' });
    histogram.observe({ route: 'plain', outcome: 'success' }, 0.05);
    const text = await subject.metrics();
    expect(text).toContain('test_duration_seconds_count{route="idle",outcome="success"} 0');
    expect(text).toContain('test_duration_seconds_bucket{le="0.1",route="plain",outcome="success"} 1');
  });

  it('returns the same series when asked again for the same labels, in any key order', async () => {
    const { subject, histogram } = both();
    histogram.series({ route: 'users', outcome: 'success' }).observe(0.002);
    histogram.series({ outcome: 'success', route: 'users' }).observe(0.003);
    const text = await subject.metrics();
    expect(text.match(/test_duration_seconds_count\{/g)).toHaveLength(1);
    expect(text).toContain('test_duration_seconds_count{route="users",outcome="success"} 2');
  });

  it('clears its series on reset()', async () => {
    const { subject, histogram } = both();
    const series = histogram.series({ route: 'users', outcome: 'success' });
    series.observe(0.5);
    histogram.reset();
    expect(await subject.metrics()).toContain('test_duration_seconds_count{route="users",outcome="success"} 0');
    series.observe(0.002);
    expect(await subject.metrics()).toContain('test_duration_seconds_sum{route="users",outcome="success"} 0.002');
  });

  it('rejects values that are not finite numbers, naming the metric', () => {
    const series = both().histogram.series({ route: 'users' });
    expect(() => series.observe(Number.NaN)).toThrow('test_duration_seconds: observed value must be a finite number, got NaN');
    expect(() => series.observe(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('rejects labels the histogram does not declare and buckets out of order', () => {
    const { histogram } = both();
    expect(() => histogram.series({ path: '/x' } as never)).toThrow('test_duration_seconds: label "path" is not one of [route, outcome]');
    expect(() => new SeriesHistogram({ name: 'bad_seconds', help: 'Bad.', buckets: [0.1, 0.01], registers: [] })).toThrow(
      'bad_seconds: buckets must be finite and strictly ascending, got [0.1, 0.01]',
    );
  });
});
