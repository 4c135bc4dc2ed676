// The verdict table's summary, and the human rendering of a report: one line per namespace, used
// by status, watch and the CLI (which prints the report itself with --json).
import {
  VERDICTS,
  type Verdict,
  type VerdictKind,
  type VerificationReport,
  type VerificationSummary,
} from '../contract/verification.js';

export function summarize(
  verdicts: Verdict[],
  countMethod: 'estimated' | 'exact',
  seconds: number,
  notes: string[],
): VerificationReport {
  const byVerdict: Partial<Record<VerdictKind, number>> = {};
  for (const v of verdicts) byVerdict[v.verdict] = (byVerdict[v.verdict] ?? 0) + 1;
  const failed = verdicts.length - (byVerdict.ok ?? 0);
  return {
    verdicts,
    summary: { ok: failed === 0, checked: verdicts.length, failed, byVerdict, countMethod, seconds, notes },
  };
}

const cell = (v: string | number | undefined) => (v === undefined ? '-' : String(v));

/** Verdict rows as an aligned table with its header: failures first, then the ok lines. */
export function verdictTable(verdicts: readonly Verdict[]): string[] {
  const rank = (v: Verdict) => (v.verdict === 'ok' ? 1 : 0);
  const rows = [...verdicts]
    .sort((a, b) => rank(a) - rank(b))
    .map((v) => [v.verdict, v.namespace, cell(v.expected), cell(v.actual), v.detail]);
  const header = ['VERDICT', 'NAMESPACE', 'EXPECTED', 'ACTUAL', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The report as an aligned table: failures first, then the ok lines, then the summary and notes. */
export function renderVerdicts(report: VerificationReport): string {
  const s = report.summary;
  const counts = VERDICTS.filter((k) => s.byVerdict[k]).map((k) => `${s.byVerdict[k]} ${k}`);
  const verdict = s.ok ? 'verified' : `NOT verified (${s.failed} of ${s.checked} failed)`;
  const checked = counts.join(', ') || 'nothing checked';
  const footer = `${verdict}: ${checked}; ${s.countMethod} counts; ${s.seconds.toFixed(2)} s`;
  return [...verdictTable(report.verdicts), '', footer, ...s.notes.map((n) => `note: ${n}`)].join('\n');
}

/** A run's verification as lines for `status` and `watch`: what was found, then the verdict table. */
export function verificationLines(label: string, v: VerificationSummary): string[] {
  const head = v.ok ? 'verified' : 'NOT verified';
  const counts = `${v.okNamespaces} of ${v.checked} ok, ${v.failedNamespaces} failed`;
  const lines = [`  ${label.padEnd(11)} ${head}: ${counts} (${v.seconds.toFixed(2)} s)`];
  if (v.verdicts?.length) lines.push(...verdictTable(v.verdicts).map((l) => `    ${l}`));
  for (const n of v.notes) lines.push(`    note: ${n}`);
  return lines;
}
