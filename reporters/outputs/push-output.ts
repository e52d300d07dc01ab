/**
 * What the metric backends (prometheus.ts, influxdb.ts) share: the run's testid, the selected
 * series pushed each interval and once more from the Summary at the end, then the sender's
 * loss report and a last line. Each backend only converts series to its wire format.
 */
import type { Summary } from '../../runner/results/types.js';
import { maskSecrets } from '../file-reporter.js';
import type { Reporter } from '../reporter.js';
import { OutputSender } from './sender.js';
import { liveSeries, type Series, SeriesSelector, summarySeries } from './series.js';
import { defaultTestId, type OutputSettings, poster } from './settings.js';

export interface PushBackend {
  /** converts `series` and hands them to the sender; `summary` is the run's, for the push at the end */
  push(series: Series[], testid: string, summary?: Summary): void;
  /** a note after the loss report, or null */
  note?(): string | null;
  /** the last line when not quiet, e.g. `sent N samples` */
  sentLine(samples: number, testid: string): string;
}

export interface PushOptions {
  name: 'prometheus' | 'influxdb';
  settings: OutputSettings;
  /** the wire format's headers; the user's (settings.headers) win */
  headers: Record<string, string>;
  secrets?: string[];
  quiet: boolean;
}

export function pushOutput(o: PushOptions, backendOf: (sender: OutputSender, selector: SeriesSelector) => PushBackend): Reporter {
  const { settings } = o;
  const selector = new SeriesSelector(settings.filter);
  const sender = new OutputSender({ name: o.name, shownUrl: settings.shownUrl, post: poster(settings.url, { ...o.headers, ...settings.headers }) });
  const backend = backendOf(sender, selector);
  let testid = settings.testid ?? 'rampart';
  return {
    name: o.name,
    onStart(info) {
      testid = settings.testid ?? defaultTestId(info.scenario.name, info.startedAt);
    },
    onInterval(info) {
      if (info.metrics) backend.push(liveSeries(info.metrics, selector), testid);
    },
    async onEnd(summary) {
      backend.push(summarySeries(summary.metrics, selector), testid, summary);
      await sender.close();
      const loss = sender.lossReport();
      if (loss) process.stderr.write(`${maskSecrets(loss, o.secrets ?? [])}\n`); // an endpoint's answer may echo a credential
      const note = backend.note?.();
      if (note) process.stderr.write(`${note}\n`);
      if (!o.quiet) process.stderr.write(`${backend.sentLine(sender.samplesSent, testid)}\n`);
    },
  };
}
