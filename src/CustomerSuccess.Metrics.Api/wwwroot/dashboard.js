// The dashboard: a hash-routed page over the public read endpoints (/api/v1/...), nothing else.
// Every figure shown is the API's own, formatted for reading; every table or chart offers its data as CSV.
// The API key (metrics:read) is asked for once and kept for the browser session only; it may also be handed over
// in the address as #key=..., which browsers never send to the server, and is then taken out of the address.
'use strict';

(function () {
  const SEGMENTS = ['smb', 'mid_market', 'enterprise'];
  const SEGMENT_NAMES = { smb: 'SMB', mid_market: 'Mid-market', enterprise: 'Enterprise' };
  const PERIOD_MONTHS = { month: 1, quarter: 3, year: 12 };
  const INTERVALS = ['week', 'month', 'quarter', 'year'];
  const PAGE_SIZES = [10, 20, 50, 100];
  const MOVEMENT_KINDS = ['new', 'reactivation', 'expansion', 'contraction', 'churn'];
  const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

  const KEY_ITEM = 'csm.apiKey';
  const view = document.getElementById('view');
  const keyForm = document.getElementById('key-form');
  const form = document.getElementById('filters');
  const problem = document.getElementById('problem');
  const answered = document.getElementById('answered');
  const charts = [];
  let renderCount = 0;

  // ---- dates (business dates as YYYY-MM-DD, computed in UTC) ----
  function parseDate(text) {
    const [y, m, d] = text.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  }
  function isoDate(date) { return date.toISOString().slice(0, 10); }
  function addDays(text, days) {
    const date = parseDate(text);
    date.setUTCDate(date.getUTCDate() + days);
    return isoDate(date);
  }
  function addMonths(text, months) {
    const date = parseDate(text);
    const day = date.getUTCDate();
    const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
    const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(day, last));
    return isoDate(target);
  }
  function monthEnd(text) {
    const date = parseDate(text);
    return isoDate(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)));
  }
  // The period of the chosen length that ends on asOf, and the one before it.
  function periods(asOf, period) {
    const months = PERIOD_MONTHS[period];
    const from = addDays(addMonths(asOf, -months), 1);
    const previousTo = addDays(from, -1);
    return { from, to: asOf, previousFrom: addDays(addMonths(previousTo, -months), 1), previousTo };
  }
  // The last twelve month-ends at or before asOf, oldest first.
  function monthEndsBefore(asOf) {
    const ends = [monthEnd(asOf) === asOf ? asOf : addDays(asOf.slice(0, 8) + '01', -1)];
    while (ends.length < 12) { ends.unshift(addDays(ends[0].slice(0, 8) + '01', -1)); }
    return ends;
  }

  // ---- formats ----
  function money(value, currency) {
    if (value === null || value === undefined) { return '—'; }
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  }
  function percent(value) {
    if (value === null || value === undefined) { return '—'; }
    return new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  }
  function count(value) {
    if (value === null || value === undefined) { return '—'; }
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value);
  }
  function ratio(value) {
    if (value === null || value === undefined) { return '—'; }
    return new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value) + '×';
  }
  function segmentName(segment) { return segment ? (SEGMENT_NAMES[segment] || segment) : ''; }

  // ---- state: the filters live in the hash, so every view can be linked to and reloaded ----
  function todayUtc() { return new Date().toISOString().slice(0, 10); }
  function readRoute() {
    const hash = location.hash.replace(/^#\/?/, '');
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    const parts = (path || 'overview').split('/').map(decodeURIComponent);
    return {
      page: parts[0] || 'overview',
      id: parts.slice(1).join('/'),
      segment: params.get('segment') || '',
      asOf: params.get('asOf') || todayUtc(),
      period: PERIOD_MONTHS[params.get('period')] ? params.get('period') : 'year',
      knownAt: params.get('knownAt') || '',
      interval: INTERVALS.includes(params.get('interval')) ? params.get('interval') : 'month',
      stacked: params.get('stacked') === 'true',
      from: params.get('from') || '',
      sort: params.get('sort') || 'churnDate',
      desc: params.get('desc') === 'true',
      pageNumber: Math.max(1, Number(params.get('page')) || 1),
      size: PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20,
      kind: MOVEMENT_KINDS.includes(params.get('kind')) ? params.get('kind') : '',
    };
  }
  function routeHash(route, changes) {
    const next = Object.assign({}, route, changes || {});
    const params = new URLSearchParams();
    if (next.segment) { params.set('segment', next.segment); }
    params.set('asOf', next.asOf);
    params.set('period', next.period);
    if (next.knownAt) { params.set('knownAt', next.knownAt); }
    if (next.page === 'trend') {
      params.set('interval', next.interval);
      if (next.stacked) { params.set('stacked', 'true'); }
      if (next.from) { params.set('from', next.from); }
    }
    if (next.page === 'movements') {
      if (next.kind) { params.set('kind', next.kind); }
      if (next.pageNumber > 1) { params.set('page', String(next.pageNumber)); }
      if (next.size !== 20) { params.set('size', String(next.size)); }
    }
    if (next.page === 'churn') {
      params.set('sort', next.sort);
      if (next.desc) { params.set('desc', 'true'); }
      if (next.pageNumber > 1) { params.set('page', String(next.pageNumber)); }
      if (next.size !== 20) { params.set('size', String(next.size)); }
    }
    const path = next.id ? next.page + '/' + encodeURIComponent(next.id) : next.page;
    return '#/' + path + '?' + params.toString();
  }
  function go(changes) { location.hash = routeHash(readRoute(), changes); }

  // ---- the API key: from the address once, else asked for; kept in this tab's session storage ----
  function takeKeyFromAddress() {
    const match = /^#key=([^&]+)/.exec(location.hash);
    if (!match) { return; }
    sessionStorage.setItem(KEY_ITEM, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search + '#/overview');
  }
  function apiKey() { return sessionStorage.getItem(KEY_ITEM) || ''; }
  class KeyNeeded extends Error {}
  function askForKey(message) {
    keyForm.hidden = false;
    document.getElementById('key-message').textContent = message;
    keyForm.apiKey.value = '';
    keyForm.apiKey.focus();
  }

  // ---- the API ----
  async function api(path, params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params || {})) {
      if (value !== '' && value !== null && value !== undefined) { query.set(name, value); }
    }
    const url = '/api/v1/' + path + (query.toString() ? '?' + query.toString() : '');
    if (!apiKey()) { throw new KeyNeeded('Enter an API key with the metrics:read scope to see the figures.'); }
    const response = await fetch(url, { headers: { Accept: 'application/json', 'X-Api-Key': apiKey() } });
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(KEY_ITEM);
      throw new KeyNeeded(response.status === 401
        ? 'That API key was not accepted: it is unknown, revoked or expired. Enter another.'
        : 'That API key may not read figures: it needs the metrics:read scope. Enter another.');
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const errors = body && body.errors ? Object.entries(body.errors).map(([k, v]) => (k ? k + ': ' : '') + v.join('; ')).join(' · ') : '';
      throw new Error((body && (body.detail || body.title)) + (errors ? ' (' + errors + ')' : '') || ('HTTP ' + response.status));
    }
    return body;
  }
  // The instant every request of one view is answered at: the one asked for, else "now" as the API settles it.
  async function settle(route) {
    if (route.knownAt) { return route.knownAt; }
    const knowledge = await api('knowledge', { limit: 1 });
    return knowledge.to;
  }

  // ---- building blocks ----
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) { continue; }
      if (name === 'text') { node.textContent = value; } else if (name.startsWith('on')) { node.addEventListener(name.slice(2), value); } else { node.setAttribute(name, value === true ? '' : String(value)); }
    }
    for (const child of [].concat(children || [])) {
      if (child !== null && child !== undefined) { node.append(child instanceof Node ? child : String(child)); }
    }
    return node;
  }
  function csvText(rows) {
    return rows.map((row) => row.map((cell) => {
      const text = cell === null || cell === undefined ? '' : String(cell);
      return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }).join(',')).join('\r\n') + '\r\n';
  }
  function csvButton(label, fileName, rows) {
    return el('button', {
      type: 'button', class: 'secondary csv', 'data-csv': fileName, text: 'Download CSV',
      'aria-label': 'Download CSV of ' + label,
      onclick: () => {
        const link = el('a', { href: URL.createObjectURL(new Blob([csvText(rows())], { type: 'text/csv' })), download: fileName });
        document.body.append(link);
        link.click();
        link.remove();
      },
    });
  }
  function chartBox(label, height) {
    const box = el('div', { class: 'chart', role: 'img', 'aria-label': label });
    if (height) { box.style.height = height + 'px'; }
    return box;
  }
  function drawChart(box, option) {
    const chart = echarts.init(box, null, { renderer: 'svg' });
    chart.setOption(Object.assign({ animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' } }, option));
    charts.push(chart);
    return chart;
  }
  // A table in a focusable scrolling region; columns are {label, value(row), num, attrs(row)}.
  function table(caption, columns, rows, options) {
    const head = el('tr', {}, columns.map((column) => options && options.header ? options.header(column) : el('th', { scope: 'col', class: column.num ? 'num' : null, text: column.label })));
    const body = el('tbody', {}, rows.map((row) => el('tr', {}, columns.map((column, index) => {
      const content = column.cell ? column.cell(row) : column.value(row);
      const attributes = Object.assign({ class: column.num ? 'num' : null }, column.attrs ? column.attrs(row) : {});
      return index === 0 && column.rowHeader ? el('th', Object.assign({ scope: 'row' }, attributes), content) : el('td', attributes, content);
    }))));
    return el('div', { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': caption }, el('table', {}, [el('caption', { text: caption }), el('thead', {}, head), body]));
  }
  function heading(title, subtitle) {
    return [el('h1', { text: title }), subtitle ? el('p', { class: 'subtitle', text: subtitle }) : null];
  }
  function scope(route) {
    return route.segment ? segmentName(route.segment) + ' segment' : 'Whole book';
  }

  // ---- pages ----
  async function overview(route, knownAt) {
    const p = periods(route.asOf, route.period);
    const common = { knownAt, segment: route.segment };
    // Green zone: ARR rose in each of the last three months, at the end of each month and on the as-of date.
    const zoneFrom = addDays(addMonths(route.asOf, -3).slice(0, 8) + '01', 0);
    const zones = await Promise.all([''].concat(SEGMENTS).map((segment) =>
      api('arr/series', { from: zoneFrom, to: route.asOf, interval: 'month', knownAt, segment }).then((series) => ({ segment, points: series.entries }))));
    const [arr, previousArr, retention, previousRetention, cost, previousCost] = await Promise.all([
      api('arr', Object.assign({ asOf: p.to }, common)),
      api('arr', Object.assign({ asOf: p.previousTo }, common)),
      api('metrics/retention', Object.assign({ from: p.from, to: p.to }, common)),
      api('metrics/retention', Object.assign({ from: p.previousFrom, to: p.previousTo }, common)),
      api('metrics/cost-of-retention', Object.assign({ from: p.from, to: p.to }, common)),
      api('metrics/cost-of-retention', Object.assign({ from: p.previousFrom, to: p.previousTo }, common)),
    ]);
    const currency = arr.currency;
    const figures = [
      { key: 'arr', label: 'ARR', kind: 'money', now: arr.arr, before: previousArr.arr },
      { key: 'mrr', label: 'MRR', kind: 'money', now: arr.mrr, before: previousArr.mrr },
      { key: 'activeCustomers', label: 'Active customers', kind: 'count', now: arr.activeCustomers, before: previousArr.activeCustomers },
      { key: 'netRenewalRate', label: 'Net revenue retention (NRR)', kind: 'rate', now: retention.netRenewalRate, before: previousRetention.netRenewalRate },
      { key: 'grossRenewalRate', label: 'Gross revenue retention (GRR)', kind: 'rate', now: retention.grossRenewalRate, before: previousRetention.grossRenewalRate },
      { key: 'logoRetention', label: 'Logo retention', kind: 'rate', now: retention.logoRetention, before: previousRetention.logoRetention },
      { key: 'quickRatio', label: 'Quick ratio', kind: 'ratio', now: retention.quickRatio, before: previousRetention.quickRatio },
      { key: 'costOfRetention', label: 'Cost of retention per retained customer', kind: 'money', now: cost.costOfRetention, before: previousCost.costOfRetention, notes: cost.notes },
    ];
    const show = (kind, value) => kind === 'money' ? money(value, currency) : kind === 'rate' ? percent(value) : kind === 'ratio' ? ratio(value) : count(value);
    const change = (figure) => {
      if (figure.now === null || figure.before === null) { return el('span', { text: 'no change to show' }); }
      const delta = figure.now - figure.before;
      const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
      const size = Math.abs(delta);
      const text = figure.kind === 'money' ? money(size, currency) : figure.kind === 'rate' ? (size * 100).toFixed(1) + ' pp' : figure.kind === 'ratio' ? size.toFixed(2) : count(size);
      return el('span', { class: delta > 0 ? 'up' : delta < 0 ? 'down' : null, 'data-change': String(delta), text: sign + text + (delta > 0 ? ' (up)' : delta < 0 ? ' (down)' : '') });
    };
    const cards = el('ul', { class: 'cards' }, figures.map((figure) => el('li', { class: 'card', 'data-figure': figure.key, 'data-value': figure.now === null ? '' : String(figure.now), 'data-previous': figure.before === null ? '' : String(figure.before) }, [
      el('h2', { text: figure.label }),
      el('p', { class: 'value', text: show(figure.kind, figure.now) }),
      el('p', { class: 'change' }, [change(figure), ' vs previous ' + route.period + ' (' + show(figure.kind, figure.before) + ')']),
      figure.notes && figure.notes.length ? el('p', { class: 'note', text: figure.notes.join(' ') }) : null,
    ])));
    const rows = () => [['figure', 'from', 'to', 'value', 'previousFrom', 'previousTo', 'previousValue', 'currency']]
      .concat(figures.map((f) => [f.key, p.from, p.to, f.now, p.previousFrom, p.previousTo, f.before, currency]));
    const green = (zone) => zone.points.length === 4 && zone.points.every((point, i) => i === 0 || point.arr > zone.points[i - 1].arr);
    const zoneColumns = [
      { label: 'Segment', value: (z) => z.segment ? segmentName(z.segment) : 'Whole book', rowHeader: true },
      { label: 'ARR ' + zoneFrom.slice(0, 7) + ' end', num: true, value: (z) => money(z.points[0] ? z.points[0].arr : null, currency) },
      { label: 'ARR on ' + route.asOf, num: true, value: (z) => money(z.points.length ? z.points[z.points.length - 1].arr : null, currency) },
      { label: 'Last three months', value: (z) => green(z) ? 'Green zone: up every month' : 'Not up every month',
        attrs: (z) => ({ 'data-zone': z.segment || 'book', 'data-value': green(z) ? 1 : 0, class: green(z) ? 'up' : null }) },
    ];
    const zoneCsv = () => [['segment', 'date', 'arr', 'greenZone', 'currency']]
      .concat(zones.flatMap((z) => z.points.map((point) => [z.segment || 'book', point.date, point.arr, green(z), currency])));
    return [
      ...heading('Overview', scope(route) + ': the ' + route.period + ' ' + p.from + ' to ' + p.to + ' against ' + p.previousFrom + ' to ' + p.previousTo + '. ARR, MRR and customers at each period\'s last day.'),
      cards,
      el('div', { class: 'toolbar' }, csvButton('the overview figures', 'overview-' + p.to + '.csv', rows)),
      el('h2', { text: 'Green zone' }),
      el('p', { class: 'subtitle', text: 'A segment is in the green zone when its ARR rose in each of the last three months: at the end of each month from ' + zoneFrom.slice(0, 7) + ' and on ' + route.asOf + '.' }),
      el('div', { class: 'toolbar' }, csvButton('the green zone', 'green-zone-' + route.asOf + '.csv', zoneCsv)),
      table('ARR over the last three months, by segment', zoneColumns, zones),
    ];
  }

  async function trend(route, knownAt) {
    const from = route.from || addDays(addMonths(route.asOf, -24), 1);
    const params = { from, to: route.asOf, interval: route.interval, knownAt };
    const stacked = route.stacked && !route.segment;
    const total = await api('arr/series', Object.assign({ segment: route.segment }, params));
    const bySegment = stacked ? await Promise.all(SEGMENTS.map((segment) => api('arr/series', Object.assign({ segment }, params)))) : [];
    // Asked as known at a past instant: the same series as known now, drawn beside it wherever a later correction changed it.
    const now = route.knownAt ? await api('arr/series', Object.assign({ segment: route.segment }, params, { knownAt: '' })) : null;
    const corrected = now !== null && now.entries.some((e, i) => e.arr !== total.entries[i].arr);
    const currency = total.currency;
    const dates = total.entries.map((e) => e.date);

    const intervalField = el('div', { class: 'field' }, [
      el('label', { for: 't-interval', text: 'Interval' }),
      el('select', { id: 't-interval', onchange: (e) => go({ interval: e.target.value }) },
        INTERVALS.map((i) => el('option', { value: i, selected: i === route.interval, text: i[0].toUpperCase() + i.slice(1) }))),
    ]);
    const fromField = el('div', { class: 'field' }, [
      el('label', { for: 't-from', text: 'From' }),
      el('input', { id: 't-from', type: 'date', value: from, onchange: (e) => e.target.value && go({ from: e.target.value }) }),
    ]);
    const stackField = el('div', { class: 'check' }, [
      el('input', { id: 't-stacked', type: 'checkbox', checked: stacked, disabled: !!route.segment, onchange: (e) => go({ stacked: e.target.checked }) }),
      el('label', { for: 't-stacked', text: route.segment ? 'Stack by segment (whole book only)' : 'Stack by segment' }),
    ]);
    const box = chartBox('ARR ' + (stacked ? 'by segment ' : '') + 'at the end of each ' + route.interval + ' from ' + from + ' to ' + route.asOf);
    const series = stacked
      ? bySegment.map((s, i) => ({ name: segmentName(SEGMENTS[i]), type: 'line', stack: 'arr', areaStyle: {}, symbol: 'none', data: s.entries.map((e) => e.arr) }))
      : [{ name: corrected ? 'ARR as known at ' + knownAt : 'ARR', type: 'line', areaStyle: { opacity: 0.25 }, symbol: 'none', data: total.entries.map((e) => e.arr) }];
    if (corrected) {
      series.push({ name: 'ARR as known now', type: 'line', symbol: 'circle', symbolSize: 4, lineStyle: { type: 'dashed', color: '#b8412f' }, itemStyle: { color: '#b8412f' }, data: now.entries.map((e) => e.arr) });
    }
    const columns = [{ label: 'Date', value: (r) => r.date, rowHeader: true }, { label: 'ARR', num: true, value: (r) => money(r.arr, currency), attrs: (r) => ({ 'data-value': r.arr }) }]
      .concat(stacked ? SEGMENTS.map((segment, i) => ({ label: 'ARR ' + segmentName(segment), num: true, value: (r) => money(bySegment[i].entries[r.index].arr, currency), attrs: (r) => ({ 'data-value': bySegment[i].entries[r.index].arr }) })) : [])
      .concat([{ label: 'Active customers', num: true, value: (r) => count(r.activeCustomers), attrs: (r) => ({ 'data-value': r.activeCustomers }) }])
      .concat(corrected ? [{ label: 'ARR as known now', num: true, value: (r) => money(now.entries[r.index].arr, currency) + (now.entries[r.index].arr !== r.arr ? ' (corrected)' : ''), attrs: (r) => ({ 'data-field': 'arrNow', 'data-value': now.entries[r.index].arr }) }] : []);
    const rows = total.entries.map((e, index) => Object.assign({ index }, e));
    const csv = () => [['date', 'arr'].concat(stacked ? SEGMENTS.map((s) => 'arr_' + s) : []).concat(['activeCustomers']).concat(corrected ? ['arrKnownNow'] : []).concat(['currency'])]
      .concat(rows.map((r) => [r.date, r.arr].concat(stacked ? bySegment.map((s) => s.entries[r.index].arr) : []).concat([r.activeCustomers]).concat(corrected ? [now.entries[r.index].arr] : []).concat([currency])));
    const nodes = [
      ...heading('ARR trend', scope(route) + ': ARR at the end of each ' + route.interval + ', ' + from + ' to ' + route.asOf + '.' +
        (corrected ? ' Corrections recorded after ' + knownAt + ' changed it: the dashed line is ARR as known now.' : '')),
      el('div', { class: 'panel' }, [el('div', { class: 'toolbar' }, [intervalField, fromField, stackField, csvButton('the ARR trend', 'arr-trend-' + route.interval + '-' + route.asOf + '.csv', csv)]), box]),
      el('h2', { text: 'ARR by ' + route.interval }),
      table('ARR at the end of each ' + route.interval, columns, rows),
    ];
    return { nodes, after: () => drawChart(box, {
      tooltip: { trigger: 'axis', valueFormatter: (v) => money(v, currency) },
      legend: { show: stacked || corrected, top: 0 },
      grid: { left: 8, right: 16, top: stacked || corrected ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: dates, boundaryGap: false },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) } },
      series,
    }) };
  }

  async function bridge(route, knownAt) {
    const p = periods(route.asOf, route.period);
    const answer = await api('metrics/bridge', { from: p.from, to: p.to, knownAt, segment: route.segment, interval: route.period === 'month' ? '' : 'month' });
    const nowAnswer = route.knownAt ? await api('metrics/bridge', { from: p.from, to: p.to, segment: route.segment }) : null;
    const s = answer.summary;
    const currency = answer.currency;
    const steps = [
      { key: 'openingArr', label: 'Opening', value: s.openingArr, total: true },
      { key: 'newArr', label: 'New', value: s.newArr },
      { key: 'reactivationArr', label: 'Reactivation', value: s.reactivationArr },
      { key: 'expansionArr', label: 'Expansion', value: s.expansionArr },
      { key: 'contractionArr', label: 'Contraction', value: -s.contractionArr },
      { key: 'churnArr', label: 'Churn', value: -s.churnArr },
    ];
    if (route.segment) {
      steps.push({ key: 'transferInArr', label: 'Moved in', value: s.transferInArr });
      steps.push({ key: 'transferOutArr', label: 'Moved out', value: -s.transferOutArr });
    }
    steps.push({ key: 'closingArr', label: 'Closing', value: s.closingArr, total: true });
    const sign = (step) => step.value < 0 || ['contractionArr', 'churnArr', 'transferOutArr'].includes(step.key) ? -1 : 1;
    for (const step of steps) { step.now = nowAnswer ? sign(step) * nowAnswer.summary[step.key] : step.value; }
    const corrected = steps.some((step) => step.now !== step.value);
    let running = 0;
    const bases = [];
    const bars = [];
    for (const step of steps) {
      if (step.total) { bases.push(0); bars.push({ value: step.value, itemStyle: { color: '#3a5a80' } }); running = step.value; continue; }
      const after = running + step.value;
      bases.push(Math.min(running, after));
      bars.push({ value: Math.abs(step.value), itemStyle: { color: step.value < 0 ? '#b8412f' : '#2f7d4f' } });
      running = after;
    }
    const box = chartBox('ARR bridge from ' + p.from + ' to ' + p.to + ': ' + steps.map((st) => st.label + ' ' + money(st.value, currency)).join(', '));
    const columns = [
      { label: 'Step', value: (r) => r.label, rowHeader: true },
      { label: corrected ? 'ARR as known at ' + knownAt : 'ARR', num: true, value: (r) => money(r.value, currency), attrs: (r) => ({ 'data-field': r.key, 'data-value': r.value }) },
    ].concat(corrected ? [{ label: 'ARR as known now', num: true, value: (r) => money(r.now, currency) + (r.now !== r.value ? ' (corrected)' : ''), attrs: (r) => ({ 'data-field': r.key + 'Now', 'data-value': r.now }) }] : []);
    const monthFields = ['openingArr', 'newArr', 'reactivationArr', 'expansionArr', 'contractionArr', 'churnArr', 'closingArr'];
    const monthColumns = [{ label: 'Month', value: (e) => e.from.slice(0, 7), rowHeader: true }].concat(monthFields.map((field) => ({
      label: steps.find((st) => st.key === field).label, num: true, value: (e) => money(e[field], currency), attrs: (e) => ({ 'data-month': e.from.slice(0, 7), 'data-month-field': field, 'data-value': e[field] }),
    })));
    const monthsCsv = () => [['from', 'to'].concat(monthFields).concat(['currency'])]
      .concat(answer.entries.map((e) => [e.from, e.to].concat(monthFields.map((field) => e[field])).concat([currency])));
    const csv = () => [['step', 'field', 'arr', 'from', 'to'].concat(corrected ? ['arrKnownNow'] : []).concat(['currency'])]
      .concat(steps.map((st) => [st.label, st.key, st.value, p.from, p.to].concat(corrected ? [st.now] : []).concat([currency])));
    const nodes = [
      ...heading('ARR bridge', scope(route) + ': from ' + p.from + ' to ' + p.to + ' (the ' + route.period + ' ending on the as-of date).'),
      el('div', { class: 'panel' }, [el('div', { class: 'toolbar' }, csvButton('the ARR bridge', 'arr-bridge-' + p.to + '.csv', csv)), box]),
      table('ARR bridge, ' + p.from + ' to ' + p.to + ' (decreases negative)', columns, steps),
      answer.entries.length > 1 ? el('h2', { text: 'Month by month' }) : null,
      answer.entries.length > 1 ? el('div', { class: 'toolbar' }, csvButton('the bridge month by month', 'arr-bridge-months-' + p.to + '.csv', monthsCsv)) : null,
      answer.entries.length > 1 ? table('ARR bridge of each month from ' + p.from + ' to ' + p.to, monthColumns, answer.entries) : null,
    ];
    return { nodes, after: () => drawChart(box, {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (items) => { const i = items[0].dataIndex; return steps[i].label + ': ' + money(steps[i].value, currency); } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: steps.map((st) => st.label), axisLabel: { interval: 0, rotate: window.innerWidth < 600 ? 45 : 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) } },
      legend: { show: corrected, top: 0, data: ['As known now'] },
      series: [
        { type: 'bar', stack: 'bridge', silent: true, itemStyle: { color: 'transparent' }, data: bases },
        { type: 'scatter', name: 'As known now', symbol: 'diamond', symbolSize: 12, itemStyle: { color: '#111' }, data: corrected ? steps.map((st) => (st.total ? st.now : null)) : [] },
        { type: 'bar', stack: 'bridge', data: bars, label: { show: window.innerWidth >= 600, position: 'top', formatter: (item) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(steps[item.dataIndex].value) } },
      ],
    }) };
  }

  async function retention(route, knownAt) {
    const ends = monthEndsBefore(route.asOf);
    const windows = await Promise.all(ends.map((asOf) => api('metrics/retention', { asOf, knownAt, segment: route.segment })));
    const box = chartBox('Gross and net revenue retention and logo retention over the twelve months to each month-end from ' + ends[0] + ' to ' + ends[11]);
    const rate = (key) => ({ label: { grossRenewalRate: 'GRR', netRenewalRate: 'NRR', logoRetention: 'Logo retention' }[key], num: true, value: (r) => percent(r[key]), attrs: (r) => ({ 'data-field': key, 'data-value': r[key] === null ? '' : r[key] }) });
    const columns = [
      { label: 'Twelve months to', value: (r) => r.to, rowHeader: true },
      { label: 'From', value: (r) => r.from },
      rate('grossRenewalRate'), rate('netRenewalRate'), rate('logoRetention'),
      { label: 'Opening customers', num: true, value: (r) => count(r.cohortCustomers) },
    ];
    const csv = () => [['from', 'to', 'grossRenewalRate', 'netRenewalRate', 'logoRetention', 'cohortCustomers', 'openingArr', 'currency']]
      .concat(windows.map((w) => [w.from, w.to, w.grossRenewalRate, w.netRenewalRate, w.logoRetention, w.cohortCustomers, w.openingArr, w.currency]));
    const nodes = [
      ...heading('Retention', scope(route) + ': each point covers the twelve months to a month-end.'),
      el('div', { class: 'panel' }, [el('div', { class: 'toolbar' }, csvButton('the retention windows', 'retention-' + ends[11] + '.csv', csv)), box]),
      table('Retention over rolling twelve-month windows', columns, windows),
    ];
    const line = (name, key) => ({ name, type: 'line', data: windows.map((w) => w[key] === null ? null : w[key] * 100) });
    return { nodes, after: () => drawChart(box, {
      tooltip: { trigger: 'axis', valueFormatter: (v) => v === null || v === undefined ? '—' : v.toFixed(1) + '%' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: ends },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: '{value}%' } },
      series: [line('GRR', 'grossRenewalRate'), line('NRR', 'netRenewalRate'), line('Logo retention', 'logoRetention')],
    }) };
  }

  async function churn(route, knownAt) {
    const p = periods(route.asOf, route.period);
    const answer = await api('audit/churn', { from: p.from, to: p.to, knownAt, segment: route.segment });
    const currency = answer.currency;
    const keys = {
      churnDate: (e) => e.churnDate, customerId: (e) => e.customerId, kind: (e) => e.kind, segment: (e) => e.segment || '',
      arrLost: (e) => e.arrLost, reason: (e) => e.reason || '', reactivatedOn: (e) => e.reactivatedOn || '',
    };
    const sortKey = keys[route.sort] ? route.sort : 'churnDate';
    const entries = answer.entries.map((e, order) => Object.assign({ order }, e));
    entries.sort((a, b) => {
      const x = keys[sortKey](a);
      const y = keys[sortKey](b);
      const compared = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return (route.desc ? -compared : compared) || a.order - b.order;
    });
    const pages = Math.max(1, Math.ceil(entries.length / route.size));
    const page = Math.min(route.pageNumber, pages);
    const shown = entries.slice((page - 1) * route.size, page * route.size);
    const link = (e) => el('a', { href: routeHash(route, { page: 'customer', id: e.customerId }), text: e.customerId });
    const columns = [
      { key: 'churnDate', label: 'Churn date', value: (e) => e.churnDate },
      { key: 'customerId', label: 'Customer', cell: link },
      { key: 'kind', label: 'Kind', value: (e) => e.kind === 'logo' ? 'Customer lost' : 'Contract ended' + (e.contractId ? ' (' + e.contractId + ')' : '') },
      { key: 'segment', label: 'Segment', value: (e) => segmentName(e.segment) },
      { key: 'arrLost', label: 'ARR lost', num: true, value: (e) => money(e.arrLost, currency), attrs: (e) => ({ 'data-value': e.arrLost }) },
      { key: 'reason', label: 'Reason', value: (e) => e.reason || '' },
      { key: 'reactivatedOn', label: 'Came back on', value: (e) => e.reactivatedOn || '' },
    ];
    const header = (column) => el('th', { scope: 'col', class: column.num ? 'num' : null, 'aria-sort': column.key === sortKey ? (route.desc ? 'descending' : 'ascending') : null },
      el('button', { type: 'button', class: 'sort', 'data-sort': column.key, onclick: () => go({ sort: column.key, desc: column.key === sortKey ? !route.desc : false, pageNumber: 1 }) },
        column.label + (column.key === sortKey ? (route.desc ? ' ▼' : ' ▲') : '')));
    const pager = el('div', { class: 'pager' }, [
      el('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => go({ pageNumber: page - 1 }), text: 'Previous page' }),
      el('span', { 'data-pager': '', text: 'Page ' + page + ' of ' + pages + ' (' + entries.length + ' entries)' }),
      el('button', { type: 'button', class: 'secondary', disabled: page >= pages, onclick: () => go({ pageNumber: page + 1 }), text: 'Next page' }),
      el('div', { class: 'field' }, [
        el('label', { for: 'c-size', text: 'Rows per page' }),
        el('select', { id: 'c-size', onchange: (e) => go({ size: Number(e.target.value), pageNumber: 1 }) },
          PAGE_SIZES.map((n) => el('option', { value: n, selected: n === route.size, text: String(n) }))),
      ]),
    ]);
    const csv = () => [['kind', 'customerId', 'contractId', 'churnDate', 'segment', 'arrLost', 'currency', 'reason', 'reactivatedOn']]
      .concat(entries.map((e) => [e.kind, e.customerId, e.contractId, e.churnDate, e.segment, e.arrLost, currency, e.reason, e.reactivatedOn]));
    const largest = entries.slice().sort((a, b) => b.arrLost - a.arrLost || a.order - b.order).slice(0, 10);
    const box = chartBox('The ' + largest.length + ' largest losses from ' + p.from + ' to ' + p.to + ': ' +
      largest.map((e) => e.customerId + ' ' + money(e.arrLost, currency)).join(', ') + '. Each bar leads to its customer.', Math.max(160, 36 * largest.length + 40));
    const nodes = [
      ...heading('Churn', scope(route) + ': every customer lost and every contract ended from ' + p.from + ' to ' + p.to + '.'),
      el('ul', { class: 'cards' }, [
        el('li', { class: 'card', 'data-figure': 'totalArrLost', 'data-value': answer.totalArrLost }, [el('h2', { text: 'ARR lost with customers' }), el('p', { class: 'value', text: money(answer.totalArrLost, currency) })]),
        el('li', { class: 'card', 'data-figure': 'contractArrLost', 'data-value': answer.contractArrLost }, [el('h2', { text: 'ARR lost with contracts of staying customers' }), el('p', { class: 'value', text: money(answer.contractArrLost, currency) })]),
      ]),
      el('div', { class: 'toolbar' }, csvButton('the churn table', 'churn-' + p.from + '-' + p.to + '.csv', csv)),
      largest.length ? el('div', { class: 'panel' }, [el('h2', { text: 'Largest losses' }), box]) : null,
      table('Churn from ' + p.from + ' to ' + p.to + ', sorted by ' + columns.find((c) => c.key === sortKey).label.toLowerCase(), columns, shown, { header }),
      pager,
    ];
    return { nodes, after: () => {
      if (!largest.length) { return; }
      const chart = drawChart(box, {
        tooltip: { trigger: 'item', formatter: (item) => largest[item.dataIndex].customerId + ': ' + money(largest[item.dataIndex].arrLost, currency) + ' lost on ' + largest[item.dataIndex].churnDate },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: 'value', axisLabel: { formatter: (v) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) } },
        yAxis: { type: 'category', inverse: true, data: largest.map((e) => e.customerId + (e.kind === 'contract' ? ' (' + e.contractId + ')' : '')) },
        series: [{ name: 'ARR lost', type: 'bar', cursor: 'pointer', data: largest.map((e) => ({ value: e.arrLost, itemStyle: { color: e.kind === 'logo' ? '#b8412f' : '#d98b3a' } })) }],
      });
      chart.on('click', (item) => { location.hash = routeHash(route, { page: 'customer', id: largest[item.dataIndex].customerId }); });
      box.dataset.bars = JSON.stringify(largest.map((e) => e.customerId));
    } };
  }

  async function movements(route, knownAt) {
    const p = periods(route.asOf, route.period);
    const offset = (route.pageNumber - 1) * route.size;
    const answer = await api('audit/movements', { from: p.from, to: p.to, knownAt, segment: route.segment, kind: route.kind, limit: route.size, offset });
    const pages = Math.max(1, Math.ceil(answer.total / route.size));
    const currency = (await api('arr', { asOf: p.to, knownAt })).currency;
    const link = (m) => el('a', { href: routeHash(route, { page: 'customer', id: m.customerId }), text: m.customerId });
    const columns = [
      { label: 'Date', value: (m) => m.date, rowHeader: true },
      { label: 'Customer', cell: link },
      { label: 'Movement', value: (m) => m.kind, attrs: (m) => ({ 'data-field': 'kind', 'data-value': null, 'data-kind': m.kind }) },
      { label: 'Segment', value: (m) => segmentName(m.segment) },
      { label: 'ARR', num: true, value: (m) => money(m.amount, currency), attrs: (m) => ({ 'data-value': m.amount }) },
      { label: 'Events', value: (m) => m.eventIds.join(', ') },
      { label: 'Believed since', value: (m) => m.recordedAt },
    ];
    const kindField = el('div', { class: 'field' }, [
      el('label', { for: 'm-kind', text: 'Movement' }),
      el('select', { id: 'm-kind', onchange: (e) => go({ kind: e.target.value, pageNumber: 1 }) },
        [el('option', { value: '', selected: !route.kind, text: 'Every bridge movement' })].concat(MOVEMENT_KINDS.map((k) => el('option', { value: k, selected: k === route.kind, text: k })))),
    ]);
    const pager = el('div', { class: 'pager' }, [
      el('button', { type: 'button', class: 'secondary', disabled: route.pageNumber <= 1, onclick: () => go({ pageNumber: route.pageNumber - 1 }), text: 'Previous page' }),
      el('span', { 'data-pager': '', text: 'Page ' + Math.min(route.pageNumber, pages) + ' of ' + pages + ' (' + answer.total + ' movements)' }),
      el('button', { type: 'button', class: 'secondary', disabled: route.pageNumber >= pages, onclick: () => go({ pageNumber: route.pageNumber + 1 }), text: 'Next page' }),
      el('div', { class: 'field' }, [
        el('label', { for: 'm-size', text: 'Rows per page' }),
        el('select', { id: 'm-size', onchange: (e) => go({ size: Number(e.target.value), pageNumber: 1 }) },
          PAGE_SIZES.map((n) => el('option', { value: n, selected: n === route.size, text: String(n) }))),
      ]),
    ]);
    const csv = () => [['date', 'customerId', 'kind', 'segment', 'amount', 'currency', 'eventIds', 'recordedAt']]
      .concat(answer.movements.map((m) => [m.date, m.customerId, m.kind, m.segment, m.amount, currency, m.eventIds.join(' '), m.recordedAt]));
    return [
      ...heading('Movements', scope(route) + ': every movement behind the bridge from ' + p.from + ' to ' + p.to + ', with the events that caused it, a page at a time.'),
      el('div', { class: 'toolbar' }, [kindField, csvButton('this page of movements', 'movements-' + p.from + '-' + p.to + '-page-' + route.pageNumber + '.csv', csv)]),
      table('Movements from ' + p.from + ' to ' + p.to + ' by date', columns, answer.movements),
      pager,
    ];
  }

  async function customer(route, knownAt) {
    const id = route.id;
    const [detail, history, timeline] = await Promise.all([
      api('customers/' + encodeURIComponent(id), { asOf: route.asOf, knownAt }),
      api('customers/' + encodeURIComponent(id) + '/events', { knownAt }),
      api('customers/' + encodeURIComponent(id) + '/timeline', { knownAt }),
    ]);
    const currency = detail.currency;
    const facts = [
      ['Status', detail.status, 'status'], ['ARR', money(detail.arr, currency), 'arr', detail.arr], ['MRR', money(detail.mrr, currency), 'mrr', detail.mrr],
      ['Segment', segmentName(detail.segment) || '—', 'segment'], ['Customer success manager', detail.csm || '—', 'csm'],
      ['Churn reason', detail.churnReason || '—', 'churnReason'],
    ];
    // The ARR at the end of each day with events, in effective order, as the timeline gives it.
    const points = timeline.days.map((d) => [d.date, d.arrAfter]);
    const box = chartBox('ARR of ' + id + ' after each day with events: ' + points.map((pt) => pt[0] + ' ' + money(pt[1], currency)).join(', '), 280);
    const contractColumns = [
      { label: 'Contract', value: (c) => c.contractId, rowHeader: true },
      { label: 'Product', value: (c) => c.product || '' },
      { label: 'Status', value: (c) => c.status },
      { label: 'ARR', num: true, value: (c) => money(c.arr, currency), attrs: (c) => ({ 'data-value': c.arr }) },
      { label: 'Opened on', value: (c) => c.openedOn },
      { label: 'Term ends', value: (c) => c.termEndDate || '' },
      { label: 'Churned on', value: (c) => c.churnedOn || '' },
      { label: 'Churn reason', value: (c) => c.churnReason || '' },
    ];
    const dayColumns = [
      { label: 'Date', value: (d) => d.date, rowHeader: true },
      { label: 'ARR before', num: true, value: (d) => money(d.arrBefore, currency) },
      { label: 'ARR after', num: true, value: (d) => money(d.arrAfter, currency), attrs: (d) => ({ 'data-value': d.arrAfter }) },
      { label: 'Movement', value: (d) => d.kind || '—' },
      { label: 'Events', value: (d) => d.events.map((e) => e.eventId + (e.voided ? ' (voided)' : '')).join(', ') },
    ];
    const eventColumns = [
      { label: 'Event', value: (e) => e.eventId, rowHeader: true },
      { label: 'Type', value: (e) => e.type },
      { label: 'Effective', value: (e) => e.effectiveDate || '' },
      { label: 'Recorded at', value: (e) => e.recordedAt },
      { label: 'Contract', value: (e) => e.contractId || '' },
      { label: 'Amount', num: true, value: (e) => e.amount === null ? '' : money(e.amount, currency) },
      { label: 'ARR before', num: true, value: (e) => money(e.arrBefore, currency) },
      { label: 'ARR after', num: true, value: (e) => money(e.arrAfter, currency), attrs: (e) => ({ 'data-value': e.arrAfter }) },
      { label: 'Voided', value: (e) => e.voided ? 'voided by ' + e.voidedByEventId : '' },
      { label: 'Reason', value: (e) => e.reason || '' },
    ];
    const contractsCsv = () => [['contractId', 'product', 'status', 'arr', 'openedOn', 'termEndDate', 'churnedOn', 'churnReason', 'currency']]
      .concat(detail.contracts.map((c) => [c.contractId, c.product, c.status, c.arr, c.openedOn, c.termEndDate, c.churnedOn, c.churnReason, currency]));
    const eventsCsv = () => [['eventId', 'type', 'effectiveDate', 'recordedAt', 'sequence', 'contractId', 'amount', 'termEndDate', 'arrBefore', 'arrAfter', 'voided', 'voidedByEventId', 'voidedEventId', 'reason']]
      .concat(history.events.map((e) => [e.eventId, e.type, e.effectiveDate, e.recordedAt, e.sequence, e.contractId, e.amount, e.termEndDate, e.arrBefore, e.arrAfter, e.voided, e.voidedByEventId, e.voidedEventId, e.reason]));
    const historyCsv = () => [['date', 'arrBefore', 'arrAfter', 'kind', 'eventIds', 'currency']]
      .concat(timeline.days.map((d) => [d.date, d.arrBefore, d.arrAfter, d.kind, d.events.map((e) => e.eventId).join(' '), currency]));
    const nodes = [
      ...heading('Customer ' + (detail.name ? detail.name + ' (' + id + ')' : id), 'As of ' + detail.asOf + '.'),
      el('p', {}, el('a', { href: routeHash(route, { page: 'churn', id: '' }), text: 'Back to churn' })),
      el('div', { class: 'panel' }, el('dl', { class: 'facts' }, facts.flatMap(([label, text, key, value]) => [el('dt', { text: label }), el('dd', { 'data-field': key, 'data-value': value === undefined ? null : value, text })]))),
      el('h2', { text: 'Contracts' }),
      el('div', { class: 'toolbar' }, csvButton('the contracts', 'customer-' + id + '-contracts.csv', contractsCsv)),
      table('Contracts as of ' + detail.asOf, contractColumns, detail.contracts),
      el('h2', { text: 'ARR history' }),
      el('div', { class: 'panel' }, [el('div', { class: 'toolbar' }, csvButton('the ARR history', 'customer-' + id + '-arr.csv', historyCsv)), box]),
      table('ARR by day with events, in effective order', dayColumns, timeline.days),
      el('h2', { text: 'Event history' }),
      el('div', { class: 'toolbar' }, csvButton('the event history', 'customer-' + id + '-events.csv', eventsCsv)),
      table('Events in recorded order', eventColumns, history.events),
    ];
    return { nodes, after: () => drawChart(box, {
      tooltip: { trigger: 'axis', valueFormatter: (v) => money(v, currency) },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) } },
      series: [{ name: 'ARR', type: 'line', step: 'end', areaStyle: { opacity: 0.2 }, data: points.concat(points.length ? [[detail.asOf > points[points.length - 1][0] ? detail.asOf : points[points.length - 1][0], points[points.length - 1][1]]] : []) }],
    }) };
  }

  async function cost(route, knownAt) {
    const p = periods(route.asOf, route.period);
    const answer = await api('metrics/cost-of-retention', { from: p.from, to: p.to, knownAt, segment: route.segment });
    const currency = answer.currency;
    const categories = Object.entries(answer.byCategory).map(([category, amount]) => ({ category, amount })).sort((a, b) => b.amount - a.amount);
    const box = chartBox('Retention spend by category from ' + p.from + ' to ' + p.to + ': ' + categories.map((c) => c.category + ' ' + money(c.amount, currency)).join(', '));
    const card = (key, label, value, text) => el('li', { class: 'card', 'data-figure': key, 'data-value': value === null ? '' : String(value) }, [el('h2', { text: label }), el('p', { class: 'value', text })]);
    const columns = [
      { label: 'Category', value: (c) => c.category, rowHeader: true },
      { label: 'Spend', num: true, value: (c) => money(c.amount, currency), attrs: (c) => ({ 'data-field': c.category, 'data-value': c.amount }) },
      { label: 'Share', num: true, value: (c) => percent(answer.totalCost === 0 ? null : c.amount / answer.totalCost) },
    ];
    const csv = () => [['category', 'amount', 'from', 'to', 'currency']].concat(categories.map((c) => [c.category, c.amount, p.from, p.to, currency]));
    const nodes = [
      ...heading('Cost of retention', scope(route) + ': retention spend dated from ' + p.from + ' to ' + p.to + ', and what it cost per customer kept through the ' + route.period + '.'),
      el('ul', { class: 'cards' }, [
        card('totalCost', 'Retention spend', answer.totalCost, money(answer.totalCost, currency)),
        card('retainedCustomers', 'Customers retained', answer.retainedCustomers, count(answer.retainedCustomers)),
        card('costOfRetention', 'Cost per retained customer', answer.costOfRetention, money(answer.costOfRetention, currency)),
      ]),
      answer.notes.length ? el('p', { class: 'note', text: answer.notes.join(' ') }) : null,
      el('div', { class: 'panel' }, [el('div', { class: 'toolbar' }, csvButton('the retention spend by category', 'cost-of-retention-' + p.to + '.csv', csv)), box]),
      table('Retention spend by category, ' + p.from + ' to ' + p.to, columns, categories),
    ];
    return { nodes, after: () => drawChart(box, {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => money(v, currency) },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) } },
      yAxis: { type: 'category', data: categories.map((c) => c.category), inverse: true },
      series: [{ name: 'Spend', type: 'bar', data: categories.map((c) => c.amount), itemStyle: { color: '#3a5a80' } }],
    }) };
  }

  // Customer health: NPS and CSAT over the period, the bands of the active customers on the as-of date, the lowest scores.
  async function health(route, knownAt) {
    const p = periods(route.asOf, route.period);
    const common = { knownAt, segment: route.segment };
    const [nps, csat, scores] = await Promise.all([
      api('signals/nps', Object.assign({ from: p.from, to: p.to }, common)),
      api('signals/csat', Object.assign({ from: p.from, to: p.to }, common)),
      api('health-scores', Object.assign({ asOf: route.asOf, limit: 20 }, common)),
    ]);
    const score = (value) => value === null || value === undefined ? '—' : value.toFixed(1);
    const card = (key, label, value, text) => el('li', { class: 'card', 'data-figure': key, 'data-value': value === null ? '' : String(value) }, [el('h2', { text: label }), el('p', { class: 'value', text })]);
    const bands = (rows, key, label) => table('Health bands by ' + label + ' on ' + route.asOf, [
      { label: label[0].toUpperCase() + label.slice(1), value: (r) => r[key] || '(none)', rowHeader: true },
      { label: 'Customers', num: true, value: (r) => count(r.customers) },
      { label: 'Red', num: true, value: (r) => count(r.red), attrs: (r) => ({ 'data-band': 'red', 'data-value': r.red }) },
      { label: 'Yellow', num: true, value: (r) => count(r.yellow), attrs: (r) => ({ 'data-band': 'yellow', 'data-value': r.yellow }) },
      { label: 'Green', num: true, value: (r) => count(r.green), attrs: (r) => ({ 'data-band': 'green', 'data-value': r.green }) },
    ], rows);
    const link = (c) => el('a', { href: routeHash(route, { page: 'customer', id: c.customerId }), text: c.customerId });
    const columns = [
      { label: 'Customer', cell: link, rowHeader: true },
      { label: 'Segment', value: (c) => c.segment ? segmentName(c.segment) : '—' },
      { label: 'CSM', value: (c) => c.csm || '—' },
      { label: 'Score', num: true, value: (c) => score(c.score), attrs: (c) => ({ 'data-field': 'score', 'data-value': c.score }) },
      { label: 'Band', value: (c) => c.band, attrs: (c) => ({ 'data-field': 'band' }) },
      { label: 'Adoption', num: true, value: (c) => percent(c.adoption) },
      { label: 'Open risks', num: true, value: (c) => count(c.openRisks) },
      { label: 'ARR', num: true, value: (c) => money(c.arr, scores.currency) },
    ];
    const csv = () => [['customerId', 'segment', 'csm', 'score', 'band', 'adoption', 'openRisks', 'arr', 'currency']]
      .concat(scores.customers.map((c) => [c.customerId, c.segment, c.csm, c.score, c.band, c.adoption, c.openRisks, c.arr, scores.currency]));
    const d = scores.distribution;
    const nodes = [
      ...heading('Customer health', scope(route) + ': NPS and CSAT from ' + p.from + ' to ' + p.to + '; health scores of the customers active on ' + route.asOf + '.'),
      el('ul', { class: 'cards' }, [
        card('nps', 'NPS (' + count(nps.responses) + ' respondents)', nps.nps, score(nps.nps)),
        card('csat', 'CSAT, satisfied answers (' + count(csat.responses) + ')', csat.csat, csat.csat === null ? '—' : score(csat.csat) + '%'),
        card('green', 'Green', d.green, count(d.green) + ' of ' + count(d.customers)),
        card('yellow', 'Yellow', d.yellow, count(d.yellow) + ' of ' + count(d.customers)),
        card('red', 'Red', d.red, count(d.red) + ' of ' + count(d.customers)),
      ]),
      bands(scores.bySegment.map((r) => Object.assign({}, r, { segment: r.segment ? segmentName(r.segment) : null })), 'segment', 'segment'),
      bands(scores.byCsm, 'csm', 'CSM'),
      el('div', { class: 'toolbar' }, csvButton('the lowest health scores', 'health-' + route.asOf + '.csv', csv)),
      table('The ' + scores.customers.length + ' lowest health scores of ' + count(scores.total) + ' on ' + route.asOf, columns, scores.customers),
    ];
    return { nodes };
  }

  // The twelve months that end with the as-of date's month (the last one only once it has ended), oldest first.
  function monthsTo(asOf) {
    const last = monthEnd(asOf) === asOf ? asOf : addDays(asOf.slice(0, 8) + '01', -1);
    const months = [last.slice(0, 7)];
    while (months.length < 12) { months.unshift(addDays(months[0] + '-01', -1).slice(0, 7)); }
    return months;
  }

  async function closes(route, knownAt) {
    const months = monthsTo(route.asOf);
    const views = await Promise.all(months.map((month) => api('periods/' + month, { knownAt })));
    const currency = views[0].currency;
    const closed = views.filter((v) => v.reported !== null);
    const restated = closed.filter((v) => v.differences.length > 0);
    const box = chartBox('Closing ARR of each month as reported at its close and as known at ' + knownAt + ': ' +
      views.map((v) => v.period + ' ' + (v.reported ? 'reported ' + money(v.reported.closingArr, currency) + ', ' : '') + 'now ' + money(v.current.closingArr, currency)).join('; '));
    const status = (v) => v.status === 'closed' ? 'Closed' : v.status === 'reopened' ? 'Reopened' : 'Open';
    const columns = [
      { label: 'Month', value: (v) => v.period, rowHeader: true },
      { label: 'Status', value: status, attrs: (v) => ({ 'data-field': 'status', 'data-value': v.status }) },
      { label: 'Closed at', value: (v) => v.closedAt || '' },
      { label: 'Closed by', value: (v) => v.closedBy || '' },
      { label: 'Closing ARR reported', num: true, value: (v) => v.reported ? money(v.reported.closingArr, currency) : '—', attrs: (v) => ({ 'data-field': 'reportedClosingArr', 'data-value': v.reported ? v.reported.closingArr : '' }) },
      { label: 'Closing ARR as known', num: true, value: (v) => money(v.current.closingArr, currency), attrs: (v) => ({ 'data-field': 'currentClosingArr', 'data-value': v.current.closingArr }) },
      { label: 'Figures restated', num: true, value: (v) => v.reported ? count(v.differences.length) : '—', attrs: (v) => ({ 'data-field': 'differences', 'data-value': v.reported ? v.differences.length : '' }) },
    ];
    const show = (figure, value) => value === null ? '—' : /Rate|Retention$/.test(figure) ? percent(value) : figure === 'activeCustomers' ? count(value) : money(value, currency);
    const differenceColumns = [
      { label: 'Month', value: (d) => d.period, rowHeader: true },
      { label: 'Figure', value: (d) => d.figure },
      { label: 'Reported', num: true, value: (d) => show(d.figure, d.reported), attrs: (d) => ({ 'data-value': d.reported === null ? '' : d.reported }) },
      { label: 'As known', num: true, value: (d) => show(d.figure, d.current), attrs: (d) => ({ 'data-field': 'restated', 'data-value': d.current === null ? '' : d.current }) },
      { label: 'Caused by events', value: (d) => d.eventIds.join(', ') },
    ];
    const differences = restated.flatMap((v) => v.differences.map((d) => Object.assign({ period: v.period }, d)));
    const csv = () => [['period', 'status', 'closedAt', 'closedBy', 'knownAt', 'figure', 'reported', 'current', 'eventIds', 'currency']]
      .concat(views.flatMap((v) => Object.keys(v.current).map((figure) => {
        const difference = v.differences.find((d) => d.figure === figure);
        return [v.period, v.status, v.closedAt, v.closedBy, v.knownAt, figure, v.reported ? v.reported[figure] : null, v.current[figure], difference ? difference.eventIds.join(' ') : '', currency];
      })));
    const nodes = [
      ...heading('Closed periods', 'The twelve months to ' + months[11] + ', whole book: each month as reported when it was closed and as known at ' + knownAt +
        (route.knownAt ? '' : ' (now)') + '. A difference is a restatement, caused by the events named.'),
      el('ul', { class: 'cards' }, [
        el('li', { class: 'card', 'data-figure': 'closedMonths', 'data-value': closed.length }, [el('h2', { text: 'Months closed' }), el('p', { class: 'value', text: count(closed.length) })]),
        el('li', { class: 'card', 'data-figure': 'restatedMonths', 'data-value': restated.length }, [el('h2', { text: 'Months restated since their close' }), el('p', { class: 'value', text: count(restated.length) })]),
      ]),
      el('div', { class: 'panel' }, [el('div', { class: 'toolbar' }, csvButton('the closed periods', 'periods-' + months[11] + '.csv', csv)), box]),
      table('Months, as reported and as known', columns, views),
      el('h2', { text: 'Restated figures' }),
      differences.length ? table('Figures that changed after their month was closed', differenceColumns, differences) : el('p', { text: 'No figure of a closed month has changed since its close.' }),
    ];
    return { nodes, after: () => drawChart(box, {
      tooltip: { trigger: 'axis', valueFormatter: (v) => v === null || v === undefined ? '—' : money(v, currency) },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value', axisLabel: { formatter: (v) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) } },
      series: [
        { name: 'As reported at close', type: 'bar', itemStyle: { color: '#3a5a80' }, data: views.map((v) => v.reported ? v.reported.closingArr : null) },
        { name: 'As known ' + (route.knownAt ? 'at ' + knownAt : 'now'), type: 'line', lineStyle: { type: 'dashed', color: '#b8412f' }, itemStyle: { color: '#b8412f' }, data: views.map((v) => v.current.closingArr) },
      ],
    }) };
  }

  const PAGES = { overview, trend, bridge, retention, cost, churn, movements, closes, health, customer };
  const TITLES = {
    overview: 'Overview', trend: 'ARR trend', bridge: 'ARR bridge', retention: 'Retention', cost: 'Cost of retention', churn: 'Churn',
    movements: 'Movements', closes: 'Closed periods', health: 'Customer health', customer: 'Customer',
  };

  // ---- the "as known at" choices: the latest recorded instants, newest first ----
  async function loadInstants() {
    try {
      const first = await api('knowledge', { limit: 1 });
      const latest = await api('knowledge', { offset: Math.max(0, first.total - 200), limit: 200, to: first.to });
      const list = document.getElementById('f-knownat-instants');
      list.replaceChildren(...latest.instants.slice().reverse().map((i) => el('option', { value: i.recordedAt, label: i.recordedAt + ' (' + i.events + ' events)' })));
    } catch (error) {
      showProblem(error);
    }
  }

  function showProblem(error) {
    if (error instanceof KeyNeeded) {
      askForKey(error.message);
      problem.hidden = true;
      return;
    }
    problem.hidden = !error;
    problem.textContent = error ? 'The API refused or failed: ' + error.message : '';
  }

  async function render() {
    const route = readRoute();
    const mine = ++renderCount;
    form.segment.value = route.segment;
    form.asOf.value = route.asOf;
    form.period.value = route.period;
    form.knownAt.value = route.knownAt;
    for (const link of document.querySelectorAll('nav a')) {
      link.href = routeHash(route, { page: link.dataset.route, id: '' });
      if (link.dataset.route === route.page) { link.setAttribute('aria-current', 'page'); } else { link.removeAttribute('aria-current'); }
    }
    const build = PAGES[route.page] || overview;
    document.title = (TITLES[route.page] || 'Overview') + ' · CustomerSuccess.Metrics';
    view.setAttribute('aria-busy', 'true');
    try {
      const knownAt = await settle(route);
      const built = await build(route, knownAt);
      if (mine !== renderCount) { return; }
      while (charts.length) { charts.pop().dispose(); }
      const result = Array.isArray(built) ? { nodes: built } : built;
      view.replaceChildren(...result.nodes.filter(Boolean));
      if (result.after) { result.after(); }
      answered.textContent = 'Answered as known at ' + knownAt + (route.knownAt ? '' : ' (now)') + '.';
      answered.dataset.knownAt = knownAt;
      showProblem(null);
    } catch (error) {
      if (mine !== renderCount) { return; }
      view.replaceChildren(...heading(TITLES[route.page] || 'Overview'));
      showProblem(error);
    } finally {
      if (mine === renderCount) {
        view.removeAttribute('aria-busy');
        view.dataset.rendered = String(mine);
        view.dataset.route = location.hash;
      }
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const knownAt = form.knownAt.value.trim();
    if (knownAt && !INSTANT.test(knownAt)) {
      showProblem(new Error('"As known at" must be an instant in UTC such as 2025-04-05T00:00:00Z, or empty for now.'));
      form.knownAt.focus();
      return;
    }
    go({ segment: form.segment.value, asOf: form.asOf.value || todayUtc(), period: form.period.value, knownAt, pageNumber: 1 });
  });
  for (const name of ['segment', 'asOf', 'period']) {
    form[name].addEventListener('change', () => form.requestSubmit());
  }
  form.knownAt.addEventListener('change', () => form.requestSubmit());
  keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = keyForm.apiKey.value.trim();
    if (!key) { keyForm.apiKey.focus(); return; }
    sessionStorage.setItem(KEY_ITEM, key);
    keyForm.apiKey.value = '';
    keyForm.hidden = true;
    loadInstants();
    render();
  });
  window.addEventListener('hashchange', () => {
    takeKeyFromAddress();
    render();
  });
  window.addEventListener('resize', () => charts.forEach((chart) => chart.resize()));
  takeKeyFromAddress();
  if (apiKey()) { loadInstants(); }
  render();
}());
