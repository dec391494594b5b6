// Dependency-free SVG charts for the HTML report (renders offline in any
// browser): a multi-series line chart, a grouped histogram and horizontal
// stacked bars. Every function returns a self-contained <svg> string.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

const W = 860;
const H = 300;
const M = { top: 20, right: 20, bottom: 46, left: 58 };

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A "nice" upper bound and tick step for an axis from 0 to max. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  return { max: Math.ceil(max / step) * step, step };
}

function fmt(n: number): string {
  if (n === 0) return "0";
  if (Math.abs(n) >= 1000) return `${Math.round(n / 100) / 10}k`;
  if (Math.abs(n) >= 10) return String(Math.round(n));
  return String(Math.round(n * 100) / 100);
}

function axes(yMax: number, yStep: number, yLabel: string, xLabel: string): string {
  const plotH = H - M.top - M.bottom;
  const parts: string[] = [];
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const y = M.top + plotH - (v / yMax) * plotH;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e3e6ea"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${fmt(v)}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#888"/>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#888"/>`);
  parts.push(`<text x="14" y="${M.top + plotH / 2}" transform="rotate(-90 14 ${M.top + plotH / 2})" text-anchor="middle" font-size="12" fill="#333">${esc(yLabel)}</text>`);
  parts.push(`<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 8}" text-anchor="middle" font-size="12" fill="#333">${esc(xLabel)}</text>`);
  return parts.join("");
}

function legend(series: readonly { name: string; color: string }[]): string {
  return series
    .map((s, i) => {
      const x = M.left + 10 + i * 160;
      return `<rect x="${x}" y="4" width="12" height="12" fill="${s.color}"/><text x="${x + 16}" y="14" font-size="11" fill="#333">${esc(s.name)}</text>`;
    })
    .join("");
}

/** Line chart of series sampled at x = 0..n-1 (e.g. seconds). */
export function lineChart(series: readonly Series[], options: { yLabel: string; xLabel: string; title: string }): string {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const { max: yMax, step } = niceScale(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (i: number) => M.left + (n <= 1 ? 0 : (i / (n - 1)) * plotW);
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const xTicks: string[] = [];
  const xStep = niceScale(n - 1, 8).step;
  for (let i = 0; i <= n - 1; i += Math.max(1, xStep)) {
    xTicks.push(`<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11" fill="#555">${fmt(i)}</text>`);
  }
  const lines = series
    .filter((s) => s.values.length > 0)
    .map((s) => {
      const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"><title>${esc(s.name)}</title></polyline>`;
    });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(options.title)}">${axes(yMax, step, options.yLabel, options.xLabel)}${xTicks.join("")}${lines.join("")}${legend(series)}</svg>`;
}

/** Logarithmic latency buckets (seconds) used by the histogram. */
export const LATENCY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, Infinity] as const;

function bucketLabel(i: number): string {
  const hi = LATENCY_BUCKETS[i]!;
  if (hi === Infinity) return `>${LATENCY_BUCKETS[i - 1]}s`;
  return hi < 1 ? `≤${Math.round(hi * 1000)}ms` : `≤${hi}s`;
}

/** Counts samples per latency bucket. */
export function bucketLatencies(samples: readonly number[]): number[] {
  const counts = LATENCY_BUCKETS.map(() => 0);
  for (const s of samples) {
    const i = LATENCY_BUCKETS.findIndex((hi) => s <= hi);
    counts[i === -1 ? counts.length - 1 : i]!++;
  }
  return counts;
}

/** Grouped bars: one group per latency bucket, one bar per series (counts). */
export function latencyHistogram(series: readonly Series[], options: { title: string }): string {
  const groups = LATENCY_BUCKETS.length;
  const { max: yMax, step } = niceScale(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const groupW = plotW / groups;
  const barW = Math.max(1, (groupW - 6) / Math.max(1, series.length));
  const parts: string[] = [axes(yMax, step, "operations", "latency (send → confirmed)")];
  for (let g = 0; g < groups; g++) {
    parts.push(`<text x="${(M.left + g * groupW + groupW / 2).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="10" fill="#555">${esc(bucketLabel(g))}</text>`);
    series.forEach((s, k) => {
      const v = s.values[g] ?? 0;
      if (v === 0) return;
      const h = (v / yMax) * plotH;
      parts.push(
        `<rect x="${(M.left + g * groupW + 3 + k * barW).toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${esc(s.name)} ${esc(bucketLabel(g))}: ${v}</title></rect>`,
      );
    });
  }
  parts.push(legend(series));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(options.title)}">${parts.join("")}</svg>`;
}

/** Horizontal stacked bars: one row per category, segments confirmed / failed. */
export function outcomeBars(rows: ReadonlyArray<{ name: string; confirmed: number; failed: number }>, options: { title: string }): string {
  const rowH = 34;
  const height = 30 + rows.length * rowH + 20;
  const left = 150;
  const plotW = W - left - 120;
  const max = Math.max(1, ...rows.map((r) => r.confirmed + r.failed));
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = 30 + i * rowH;
    const okW = (r.confirmed / max) * plotW;
    const failW = (r.failed / max) * plotW;
    parts.push(`<text x="${left - 8}" y="${y + 17}" text-anchor="end" font-size="12" fill="#333">${esc(r.name)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${okW.toFixed(1)}" height="24" fill="#2e9d5b"><title>confirmed ${r.confirmed}</title></rect>`);
    parts.push(`<rect x="${(left + okW).toFixed(1)}" y="${y}" width="${failW.toFixed(1)}" height="24" fill="#d64545"><title>failed ${r.failed}</title></rect>`);
    parts.push(`<text x="${(left + okW + failW + 6).toFixed(1)}" y="${y + 17}" font-size="12" fill="#333">${r.confirmed} ok / ${r.failed} failed</text>`);
  });
  parts.push(`<rect x="${left}" y="6" width="12" height="12" fill="#2e9d5b"/><text x="${left + 16}" y="16" font-size="11">confirmed</text>`);
  parts.push(`<rect x="${left + 100}" y="6" width="12" height="12" fill="#d64545"/><text x="${left + 116}" y="16" font-size="11">failed</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${esc(options.title)}">${parts.join("")}</svg>`;
}
