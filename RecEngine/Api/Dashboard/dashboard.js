// The RecEngine dashboard: polls the JSON API and /metrics every few seconds; no framework, no build step.
'use strict';

const POLL_MS = 3000;
const ingestHistory = [];
let lastIngest = null;

const $ = id => document.getElementById(id);
const text = (id, value) => { $(id).textContent = value; };
const fmt = (x, digits = 2) => x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits);
const cell = value => { const td = document.createElement('td'); td.textContent = value; return td; };
const row = values => { const tr = document.createElement('tr'); values.forEach(v => tr.appendChild(cell(v))); return tr; };

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

// Prometheus text format: "name{label="value",...} number" lines.
function parseMetrics(body) {
  const samples = [];
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = line.match(/^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[3] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

const sum = (samples, name, filter = () => true) =>
  samples.filter(s => s.name === name && filter(s.labels)).reduce((a, s) => a + s.value, 0);

// A quantile from cumulative histogram buckets, interpolating linearly inside the bucket (as histogram_quantile does).
function quantile(buckets, q) {
  const total = buckets.length ? buckets[buckets.length - 1].count : 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return previous.le;
      const inBucket = b.count - previous.count;
      return previous.le + (b.le - previous.le) * (inBucket === 0 ? 0 : (rank - previous.count) / inBucket);
    }
    previous = b;
  }
  return previous.le;
}

function renderLatency(samples) {
  const stages = {};
  for (const s of samples.filter(s => s.name === 'recengine_serving_stage_seconds_bucket')) {
    (stages[s.labels.stage] ||= []).push({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value });
  }
  const rows = $('latency-rows');
  rows.replaceChildren();
  for (const stage of ['retrieve', 'filter', 'score', 'order', 'cold_start', 'total']) {
    const buckets = (stages[stage] || []).sort((a, b) => a.le - b.le);
    const count = buckets.length ? buckets[buckets.length - 1].count : 0;
    const ms = q => { const v = quantile(buckets, q); return v === null ? '–' : fmt(v * 1000, 2); };
    const tr = row([stage, String(count), ms(0.5), ms(0.95), ms(0.99)]);
    tr.dataset.stage = stage;
    rows.appendChild(tr);
  }
}

function renderIngestion(samples, now) {
  const stored = sum(samples, 'recengine_ingest_events_total', l => l.outcome === 'stored');
  const duplicates = sum(samples, 'recengine_ingest_events_total', l => l.outcome === 'duplicate');
  text('ingest-stored', String(stored));
  text('ingest-duplicates', String(duplicates));
  text('ingest-refused', String(sum(samples, 'recengine_ingest_refused_total')));
  text('queue-depth', String(sum(samples, 'recengine_ingest_queue_events')));
  if (lastIngest) {
    const rate = Math.max(0, (stored - lastIngest.stored) / ((now - lastIngest.at) / 1000));
    ingestHistory.push(rate);
    if (ingestHistory.length > 60) ingestHistory.shift();
    text('ingest-rate', fmt(rate, 1));
  } else {
    text('ingest-rate', '0.0');
  }
  lastIngest = { stored, at: now };
  drawLine($('ingest-chart'), ingestHistory, 380, 60);
}

function drawLine(svg, values, width, height, threshold) {
  svg.replaceChildren();
  const ns = 'http://www.w3.org/2000/svg';
  const max = Math.max(1e-9, ...values, threshold || 0);
  if (threshold) {
    const line = document.createElementNS(ns, 'line');
    const y = height - 2 - (threshold / max) * (height - 4);
    Object.entries({ x1: 0, x2: width, y1: y, y2: y, stroke: '#e0a0a0', 'stroke-dasharray': '3 3' }).forEach(([k, v]) => line.setAttribute(k, v));
    svg.appendChild(line);
  }
  if (values.length === 0) return;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  const path = document.createElementNS(ns, 'polyline');
  Object.entries({ points, fill: 'none', stroke: '#3b6fd8', 'stroke-width': 1.5 }).forEach(([k, v]) => path.setAttribute(k, v));
  svg.appendChild(path);
}

function renderModels(models) {
  text('serving-version', models.serving || 'none (cold-start slates)');
  const serving = models.models.find(m => m.version === models.serving);
  const metrics = serving ? Object.entries(serving.metrics || {}).filter(([k]) => /ndcg@20|recall@20|auc/.test(k)).slice(0, 4) : [];
  text('serving-metrics', metrics.map(([k, v]) => `${k} ${fmt(v, 4)}`).join(' · '));
  const canary = models.canary;
  const canaryModel = canary ? models.models.find(m => m.version === canary.version) : null;
  const heldOut = canaryModel && canaryModel.validation
    ? `; held-out ${canaryModel.validation.metric} ${fmt(canaryModel.validation.candidate_value, 4)} vs serving ${fmt(canaryModel.validation.baseline_value, 4)}`
    : '';
  text('canary', canary ? `${canary.version} to ${fmt(canary.share * 100, 0)}% of users since ${canary.started_at}${heldOut}` : 'none');
  text('retraining', models.retraining ? 'yes' : 'no');
  const rows = $('history-rows');
  rows.replaceChildren();
  for (const m of models.models.slice(0, 20)) {
    const v = m.validation;
    const validation = v ? `${v.metric} ${fmt(v.candidate_value, 4)} vs ${fmt(v.baseline_value, 4)}` : '–';
    const tr = row([m.version, m.status, m.trigger, m.created_at.replace('T', ' ').slice(0, 19), validation]);
    tr.title = m.reason;
    rows.appendChild(tr);
  }
}

function renderDrift(drift) {
  const reports = [...drift.history].reverse();
  const current = drift.current;
  const state = $('drift-state');
  state.textContent = current ? `last check ${current.checked_at} against ${current.model_version}: ${current.state}` : 'no drift check has run yet';
  state.className = current ? (current.state === 'drift' ? 'drift' : current.state === 'warn' ? 'warn' : 'ok') : 'muted';
  const charts = $('drift-charts');
  charts.replaceChildren();
  const features = current ? current.features.map(f => f.feature) : [];
  for (const feature of features) {
    const series = reports.map(r => (r.features.find(f => f.feature === feature) || {}).psi ?? 0);
    const latest = current.features.find(f => f.feature === feature);
    const box = document.createElement('div');
    box.className = 'chart';
    box.dataset.feature = feature;
    const name = document.createElement('div');
    name.className = `name ${latest.state}`;
    name.textContent = `${feature}: PSI ${fmt(latest.psi, 3)} (${latest.state})`;
    name.title = name.textContent;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', 180);
    svg.setAttribute('height', 40);
    box.append(name, svg);
    charts.appendChild(box);
    drawLine(svg, series, 180, 40, latest.psi_critical_value || 0.2);
  }
}

async function tryUser(event) {
  event?.preventDefault();
  const user = $('try-user').value.trim();
  if (!user) return;
  const k = $('try-k').value || 10;
  const rows = $('try-rows');
  const explain = $('try-explain');
  try {
    const slate = await getJson(`v1/recommendations/${encodeURIComponent(user)}?k=${k}&explain=true`);
    text('try-summary', `${slate.videos.length} videos from ${slate.model_version || 'no model'}${slate.degraded ? ` (degraded: ${slate.degraded_reason})` : ''}, request ${slate.request_id}`);
    rows.replaceChildren(...slate.videos.map((v, i) => row([String(i + 1), v.title, v.category, v.sources.join(', '), fmt(v.score, 3), fmt(v.p_watch, 3)])));
    explain.replaceChildren(...(slate.explain ? slate.explain.stages : []).map(s => row([s.stage, fmt(s.ms, 2), String(s.candidates_in), String(s.candidates_out), s.outcome])));
  } catch (e) {
    text('try-summary', `failed: ${e.message}`);
  }
}

async function refresh() {
  try {
    const [models, drift, metricsText] = await Promise.all([
      getJson('v1/models'),
      getJson('v1/monitoring/drift?history=30'),
      fetch('metrics').then(r => r.text()),
    ]);
    const samples = parseMetrics(metricsText);
    renderModels(models);
    renderDrift(drift);
    renderIngestion(samples, Date.now());
    renderLatency(samples);
    text('updated', `updated ${new Date().toLocaleTimeString()}`);
    text('error', '');
    document.body.dataset.loaded = 'true';
  } catch (e) {
    text('error', e.message);
  }
}

$('try-form').addEventListener('submit', tryUser);
const initialUser = new URLSearchParams(location.search).get('user');
if (initialUser) { $('try-user').value = initialUser; tryUser(); }
refresh();
setInterval(refresh, POLL_MS);
