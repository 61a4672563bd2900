import { describe, expect, it } from 'vitest';
import { metricOf, sourceOf } from '../../test/helpers/detector-series.js';
import { metricOfPath } from './field-metric.js';

const partner = sourceOf([
  metricOf('clicks', 'count', { field: 'metrics.clicks' }),
  metricOf('sessions', 'count', { field: 'metrics.sessions' }),
  metricOf('page_media_view'),
]);

describe('metricOfPath', () => {
  it.each([
    ['$.data[].metrics.clicks', 'clicks'],
    ['data[].metrics.sessions', 'sessions'],
    ['$.data[].metrics.clicks.value', 'clicks'],
    ['page_media_view:$', 'page_media_view'],
    ['page_media_view:$.data[].values[].value', 'page_media_view'],
    ['unknown_metric:$.data', undefined],
    ['$.data[].entity', undefined],
    ['$.data[].metrics', undefined],
  ])('%s → %s', (path, metric) => {
    expect(metricOfPath(partner, path)).toBe(metric);
  });
});
