/**
 * Prometheus remote write 1.0: a prometheus.WriteRequest (protobuf), snappy block-compressed,
 * POSTed with the headers the spec asks for. The message definitions are the subset of
 * prompb/types.proto and remote.proto that rampart writes (field numbers as upstream).
 */
import protobuf from 'protobufjs';
import { createRequire } from 'node:module';
import type { NativeHistogram } from './native-histogram.js';

const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Histogram histograms = 4; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  int32 reset_hint = 14;
  int64 timestamp = 15;
}
`;

export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};

export interface PromSeries {
  /** __name__ first or anywhere: sorted before encoding */
  labels: Record<string, string>;
  sample?: { value: number; timestamp: number };
  histogram?: { value: NativeHistogram; timestamp: number };
}

let writeRequest: protobuf.Type | undefined;
let snappy: { compress(input: Uint8Array): Uint8Array } | undefined;

function codec() {
  writeRequest ??= protobuf.parse(PROTO, { keepCase: false }).root.lookupType('prometheus.WriteRequest');
  // snappyjs is CommonJS without types; pure JS, so no native build
  snappy ??= createRequire(import.meta.url)('snappyjs') as { compress(input: Uint8Array): Uint8Array };
  return { writeRequest, snappy };
}

/** The series as one compressed WriteRequest body. */
export function encodeWriteRequest(series: PromSeries[]): Uint8Array {
  const { writeRequest, snappy } = codec();
  const timeseries = series.map((s) => ({
    labels: Object.keys(s.labels)
      .sort()
      .map((name) => ({ name, value: s.labels[name] })),
    samples: s.sample ? [s.sample] : [],
    histograms: s.histogram
      ? [
          {
            countInt: s.histogram.value.count,
            sum: s.histogram.value.sum,
            schema: s.histogram.value.schema,
            zeroThreshold: s.histogram.value.zeroThreshold,
            zeroCountInt: s.histogram.value.zeroCount,
            positiveSpans: s.histogram.value.positiveSpans,
            positiveDeltas: s.histogram.value.positiveDeltas,
            timestamp: s.histogram.timestamp,
          },
        ]
      : [],
  }));
  // plain objects in the message's shape: encode() takes them as they are (fromObject would copy every array)
  const bytes = writeRequest.encode({ timeseries }).finish();
  return snappy.compress(bytes);
}
