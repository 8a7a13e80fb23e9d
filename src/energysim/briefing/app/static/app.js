// energysim what-if page. State: slider values in canonical units (state.values); the server
// computes everything (energysim.app.answers); this script draws. No network but this server.
"use strict";

const TEXT = {
  zh: {
    title: "准格尔旗能源转型情景推演", open: "打开情景文件", download: "下载情景 YAML",
    brief: "生成简报 PDF", reset: "恢复基准", lang: "English", targets: "政府工作报告目标",
    loading: "加载中…", computing: "计算中…", ready: "已更新", band: "不确定性区间计算中…",
    briefing: "正在生成简报…", opened: "已打开", baseline: "基准", whatif: "情景推演",
    from: (y) => `${y}年起`, at: (y) => `（${y}年值）`, scaled: "按基准路径等比例调整",
    dist: "各年份；不确定性分布按比例缩放（显示中心值）",
    co2: "二氧化碳排放", peak: "碳排放达峰年份", coal: "原煤产量", re: "新能源发电量占比",
    h2: "绿氢产量", ei: "单位GDP能耗", year: "年", moved: (n) => `已调整 ${n} 项`,
    cols: ["指标", "年份", "目标", "数值（中位数）", "p5–p95", "达标概率", "状态"],
    status: { met: "达标", at_risk: "有风险", missed: "未达标" },
    chartCo2: "分部门二氧化碳排放", chartCoal: "原煤产量与消费", chartCap: "发电装机结构",
    chartGen: "发电量结构", chartH2: "氢气供应", chartEi: "单位地区生产总值能耗",
    band5: "p5–p95", total: "合计", baseLine: "基准情景", local: "本地消费",
    det: "确定性更新", ens: (n) => `不确定性区间（${n}个样本）`,
    note: (n, s) => `数值为中心情景；阴影为 ${n} 个样本的 p5–p95 区间（种子 ${s}）；` +
      "达标概率与状态按该样本集计算。虚线为基准情景。",
  },
  en: {
    title: "Zhunge'er Banner energy transition: what if?", open: "Open scenario file",
    download: "Download scenario YAML", brief: "Brief (PDF)", reset: "Back to baseline",
    lang: "中文", targets: "Targets of the government work report", loading: "Loading…",
    computing: "Computing…", ready: "Updated", band: "Computing the uncertainty band…",
    briefing: "Writing the brief…", opened: "Opened", baseline: "Baseline", whatif: "What-if",
    from: (y) => `from ${y}`, at: (y) => ` (value in ${y})`, scaled: "scales the baseline path",
    dist: "all years; scales its uncertainty distribution (central value shown)",
    co2: "CO₂ emissions", peak: "CO₂ peak year", coal: "Raw coal output",
    re: "New-energy share of generation", h2: "Green hydrogen", ei: "Energy intensity",
    year: "", moved: (n) => `${n} lever(s) moved`,
    cols: ["Indicator", "Year", "Target", "Value (median)", "p5–p95", "P(meet)", "Status"],
    status: { met: "met", at_risk: "at risk", missed: "missed" },
    chartCo2: "CO₂ by sector", chartCoal: "Raw coal output and use", chartCap: "Power capacity",
    chartGen: "Generation", chartH2: "Hydrogen supply", chartEi: "Energy intensity",
    band5: "p5–p95", total: "Total", baseLine: "Baseline", local: "Local use",
    det: "deterministic update", ens: (n) => `uncertainty band (${n} samples)`,
    note: (n, s) => `Numbers are the central run; shading is the p5–p95 range of ${n} samples ` +
      `(seed ${s}); P(meet) and status come from those samples. Dashed: the baseline.`,
  },
};

const COLORS = {
  power: "#5b6770", chemicals: "#8e44ad", mining: "#a0522d", transport: "#e67e22",
  hydrogen: "#7f8c8d", other: "#b0b7bf", coal: "#4d4d4d", wind: "#3a86ff", solar: "#f4a261",
};
// static charts (no hover/zoom layers): a redraw costs a third of an interactive one
const PLOT_CONFIG = { staticPlot: true, responsive: true };

// draw a chart only when its traces or layout changed (a slider moves a few panels at a time)
function plot(el, traces, lay) {
  const key = JSON.stringify([traces, lay]);
  if (el.dataset.drawn === key) return Promise.resolve();
  el.dataset.drawn = key;
  return Plotly.react(el, traces, lay, PLOT_CONFIG);
}
const PALETTE = ["#1d3557", "#e63946", "#2a9d8f", "#f4a261", "#8e44ad", "#7f8c8d", "#a0522d"];

const state = {
  lang: "zh", init: null, values: {}, det: null, ens: null, detSeq: 0, ensSeq: 0,
  detBusy: false, detAgain: false, ensBusy: false, ensAgain: false, detT0: 0, ensT0: 0,
  timings: { det: [], ens: [], detServer: [], detFirst: [] },
  ensWanted: false,
};
window.whatif = state; // read by the browser tests and the latency benchmark

const $ = (sel) => document.querySelector(sel);
const t = (key) => TEXT[state.lang][key];

function fmt(x, digits) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  const a = Math.abs(x);
  const d = digits !== undefined ? digits : a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3;
  return x.toLocaleString(state.lang === "zh" ? "zh-CN" : "en-US",
    { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

function showError(text) {
  const box = $("#error");
  box.textContent = text;
  box.hidden = false;
}
function clearError() { $("#error").hidden = true; $("#error").textContent = ""; }
function setStatus(text) { $("#status-text").textContent = text; }

async function post(url, body, raw) {
  const resp = await fetch(url, {
    method: "POST", body: raw ? body : JSON.stringify(body),
    headers: raw ? raw : { "Content-Type": "application/json" },
  });
  if (!resp.ok) {
    let msg = `HTTP ${resp.status}`;
    try { msg = (await resp.json()).error || msg; } catch (e) { /* keep the status */ }
    throw new Error(msg);
  }
  return resp;
}

// -- levers -------------------------------------------------------------------------------------
function levers() { return state.init.groups.flatMap((g) => g.levers); }
function disp(lv) { return lv.display[state.lang]; }
function movedPaths() {
  return levers().filter((lv) => state.values[lv.path] !== lv.baseline).map((lv) => lv.path);
}
function payload() {
  const values = {};
  for (const p of movedPaths()) values[p] = state.values[p];
  return { values, token: state.init.token };
}

function leverValueText(lv, v) {
  const d = disp(lv);
  const shown = v * d.factor;
  return `${fmt(shown, lv.calendar ? 0 : undefined)}${d.unit === "%" ? "%" : " " + d.unit}`;
}

function buildLevers() {
  const aside = $("#levers");
  aside.innerHTML = "";
  for (const g of state.init.groups) {
    const det = document.createElement("details");
    det.open = true;
    const sum = document.createElement("summary");
    sum.textContent = g[state.lang];
    det.appendChild(sum);
    for (const lv of g.levers) det.appendChild(buildLever(lv));
    aside.appendChild(det);
  }
}

function buildLever(lv) {
  const d = disp(lv);
  const lo = lv.lo * d.factor, hi = lv.hi * d.factor;
  const div = document.createElement("div");
  div.className = "lever";
  div.dataset.path = lv.path;
  const sep = state.lang === "zh" ? "，" : ", ";
  const when = lv.distribution ? t("dist")
    : lv.mode === "scale" ? `${t("from")(lv.start)}${t("at")(lv.ref)}${sep}${t("scaled")}`
      : t("from")(lv.start);
  div.innerHTML = `<div class="top"><span class="name"></span><span class="value"></span></div>
    <div class="track"><input type="range"><span class="mark"></span></div>
    <div class="ends"><span></span><span class="basetext"></span><span></span></div>
    <div class="hint"></div>`;
  div.querySelector(".name").textContent = lv[state.lang].replace(/[。.]$/, "");
  div.querySelector(".hint").textContent = `${lv.path} · ${when}`;
  const input = div.querySelector("input");
  input.min = String(lo);
  input.max = String(hi);
  input.step = String(d.step);
  input.value = String(state.values[lv.path] * d.factor);
  input.setAttribute("aria-label", lv[state.lang]);
  const frac = (lv.baseline * d.factor - lo) / (hi - lo || 1);
  const mark = div.querySelector(".mark");
  mark.style.left = `calc(${(Math.min(Math.max(frac, 0), 1) * 100).toFixed(3)}% + ` +
    `${(8 - 16 * Math.min(Math.max(frac, 0), 1)).toFixed(2)}px)`;
  const ends = div.querySelectorAll(".ends span");
  ends[0].textContent = fmt(lo, lv.calendar ? 0 : undefined);
  ends[1].textContent = `${t("baseline")} ${leverValueText(lv, lv.baseline)}`;
  ends[2].textContent = fmt(hi, lv.calendar ? 0 : undefined);
  input.addEventListener("input", () => onSlide(lv, input, false));
  input.addEventListener("change", () => onSlide(lv, input, true));
  refreshLever(div, lv);
  return div;
}

function refreshLever(div, lv) {
  const v = state.values[lv.path];
  div.querySelector(".value").textContent = leverValueText(lv, v);
  div.classList.toggle("moved", v !== lv.baseline);
}

function onSlide(lv, input, released) {
  if (released) state.releaseT0 = performance.now();
  const d = disp(lv);
  const shown = Number(input.value);
  // within half a step of the baseline mark is the baseline itself (no change written)
  let v = Math.abs(shown - lv.baseline * d.factor) <= d.step / 2 ? lv.baseline : shown / d.factor;
  v = Math.min(Math.max(v, lv.lo), lv.hi);
  const changedValue = v !== state.values[lv.path];
  state.values[lv.path] = v;
  refreshLever(input.closest(".lever"), lv);
  if (released) state.ensWanted = true;
  if (changedValue) requestDet();
  else if (released && !state.detBusy) requestEns();
}

// -- updates --------------------------------------------------------------------------------------
async function requestDet() {
  if (state.detBusy) { state.detAgain = true; return; }
  state.detBusy = true;
  state.detAgain = false;
  const seq = ++state.detSeq;
  const t0 = performance.now();
  setStatus(t("computing"));
  try {
    const resp = await post("/api/run", { ...payload(), kind: "det" });
    const det = await resp.json();
    if (!state.detAgain) {
      const t1 = performance.now();
      state.det = det;
      state.ens = null; // the band belongs to other settings now
      await drawAll(() => state.timings.detFirst.push(performance.now() - t0));
      const ms = performance.now() - t0;
      state.timings.det.push(ms);
      state.timings.detServer.push(t1 - t0);
      document.body.dataset.detSeq = String(seq);
      showTiming();
      clearError();
      setStatus(t("band"));
    }
  } catch (e) {
    showError(e.message);
    setStatus("");
  } finally {
    state.detBusy = false;
    if (state.detAgain) requestDet();
    else if (state.ensWanted) requestEns(); // the band after the numbers: no CPU contention
  }
}

async function requestEns() {
  state.ensWanted = false;
  if (state.ensBusy) { state.ensAgain = true; return; }
  state.ensBusy = true;
  state.ensAgain = false;
  const seq = ++state.ensSeq;
  const t0 = performance.now();
  const sent = JSON.stringify(payload().values);
  try {
    const resp = await post("/api/run", { ...payload(), kind: "ens" });
    const ens = await resp.json();
    // draw only if the values did not move meanwhile (else a newer band is on its way)
    if (!state.ensAgain && sent === JSON.stringify(payload().values)) {
      while (state.detBusy) await new Promise((r) => setTimeout(r, 5));
      state.ens = ens;
      await drawAll();
      // from the slider's release when there was one (the band's budget), else the request
      state.timings.ens.push(performance.now() - (state.releaseT0 ?? t0));
      state.releaseT0 = undefined;
      document.body.dataset.ensSeq = String(seq);
      showTiming();
      setStatus(`${t("ready")} · ${t("moved")(movedPaths().length)}`);
    }
  } catch (e) {
    showError(e.message);
  } finally {
    state.ensBusy = false;
    if (state.ensAgain) requestEns();
  }
}

function showTiming() {
  const d = state.timings.det.at(-1), e = state.timings.ens.at(-1);
  const parts = [];
  if (d !== undefined) parts.push(`${t("det")} ${d.toFixed(0)} ms`);
  if (e !== undefined) parts.push(`${t("ens")(state.init.ensemble.samples)} ${e.toFixed(0)} ms`);
  $("#timing").textContent = parts.join(" · ");
}

// -- drawing --------------------------------------------------------------------------------------
function unitOf(item) { return item.units[state.lang]; }
function scaled(values, f) { return values.map((v) => (v === null ? null : v * f)); }

function series(det, name) { return det.series[name]; }

function headline() {
  const det = state.det, base = state.init.baseline, ens = state.ens;
  const i = det.years.indexOf(det.headline_year);
  const cards = [];
  const add = (id, label, item, bandName, baseItem) => {
    if (!item) return;
    const u = unitOf(item);
    const v = item.values[i] * u.factor;
    const b = baseItem.values[i] * u.factor;
    let band = "";
    if (ens && ens.bands[bandName]) {
      const q = ens.bands[bandName];
      band = `p5–p95 ${fmt(q.p5[i] * u.factor)}–${fmt(q.p95[i] * u.factor)}`;
    }
    const year = state.lang === "zh" ? `（${det.headline_year}）` : ` (${det.headline_year})`;
    cards.push({ id, label: `${label}${year}`, num: fmt(v),
      unit: u.unit, base: `${t("baseline")} ${fmt(b)}`, band, raw: item.values[i] });
  };
  add("co2", t("co2"), series(det, "co2_total"), "co2_total", series(base, "co2_total"));
  if (det.peak_year !== null) {
    let band = "";
    if (ens && ens.bands.co2_peak_year) {
      const q = ens.bands.co2_peak_year;
      band = `p5–p95 ${q.p5.toFixed(0)}–${q.p95.toFixed(0)}`;
    }
    cards.push({ id: "peak", label: t("peak"), num: det.peak_year.toFixed(0), unit: t("year"),
      base: `${t("baseline")} ${base.peak_year.toFixed(0)}`, band, raw: det.peak_year });
  }
  add("coal", t("coal"), series(det, "coal_output"), "coal_output", series(base, "coal_output"));
  add("re", t("re"), series(det, "renewable_gen_share"), "renewable_gen_share",
    series(base, "renewable_gen_share"));
  add("h2", t("h2"), series(det, "h2_green_supply"), null, series(base, "h2_green_supply"));
  add("ei", t("ei"), series(det, "energy_intensity"), "energy_intensity",
    series(base, "energy_intensity"));
  const box = $("#headline");
  box.innerHTML = "";
  for (const c of cards) {
    const div = document.createElement("div");
    div.className = "card";
    div.id = `card-${c.id}`;
    div.dataset.value = String(c.raw);
    div.innerHTML = `<div class="label"></div><div><span class="num"></span> <span class="unit">` +
      `</span></div><div class="base"></div><div class="band"></div>`;
    div.querySelector(".label").textContent = c.label;
    div.querySelector(".num").textContent = c.num;
    div.querySelector(".unit").textContent = c.unit;
    div.querySelector(".base").textContent = c.base;
    div.querySelector(".band").textContent = c.band;
    box.appendChild(div);
  }
}

function layout(title, unit) {
  return {
    title: { text: `${title}${unit ? ` [${unit}]` : ""}`, font: { size: 14 } },
    font: { family: "Noto Sans SC, sans-serif", size: 11 },
    margin: { l: 55, r: 10, t: 34, b: 30 }, legend: { orientation: "h", y: -0.12, font: { size: 10 } },
    hovermode: "x unified", paper_bgcolor: "#fff", plot_bgcolor: "#fff",
    xaxis: { gridcolor: "#eee" }, yaxis: { gridcolor: "#eee", rangemode: "tozero" },
  };
}

function bandTraces(years, name, f, color) {
  if (!state.ens || !state.ens.bands[name]) return [];
  const q = state.ens.bands[name];
  return [
    { x: years, y: scaled(q.p95, f), mode: "lines", line: { width: 0 }, showlegend: false,
      hoverinfo: "skip", name: "p95" },
    { x: years, y: scaled(q.p5, f), mode: "lines", line: { width: 0 }, fill: "tonexty",
      fillcolor: color, name: t("band5"), hoverinfo: "skip" },
  ];
}

function baseTrace(years, values, f) {
  return { x: years, y: scaled(values, f), mode: "lines", name: t("baseLine"),
    line: { color: "#111", dash: "dash", width: 1.5 } };
}

function stackedChart(el, name, kind, title) {
  const det = state.det, base = state.init.baseline;
  const item = det.stacked[name];
  if (!item) return Promise.resolve();
  const u = unitOf(item);
  const traces = item.labels.map((lab, k) => {
    const color = COLORS[lab] || PALETTE[k % PALETTE.length];
    const y = scaled(item.values[k], u.factor);
    return kind === "area"
      ? { x: det.years, y, name: item.names[state.lang][k], stackgroup: "one", mode: "lines",
          line: { width: 0.5, color }, fillcolor: color }
      : { x: det.years, y, name: item.names[state.lang][k], type: "bar", marker: { color } };
  });
  const bItem = base.stacked[name];
  const sum = (it) => it.values[0].map((_, j) => it.values.reduce((s, row) => s + row[j], 0));
  traces.push(baseTrace(det.years, sum(bItem), u.factor));
  const lay = layout(title, u.unit);
  if (kind === "bar") lay.barmode = "stack";
  return plot(el, traces, lay);
}

function lineChart(el, title, names, bandName) {
  const det = state.det, base = state.init.baseline;
  const present = names.filter((n) => det.series[n]);
  if (!present.length) return Promise.resolve();
  const u = unitOf(det.series[present[0]]);
  const traces = [];
  if (bandName) traces.push(...bandTraces(det.years, bandName, u.factor, "rgba(29,53,87,0.18)"));
  present.forEach((n, k) => {
    const it = det.series[n];
    traces.push({ x: det.years, y: scaled(it.values, u.factor), mode: "lines",
      name: it.names[state.lang], line: { color: PALETTE[k % PALETTE.length], width: 2 } });
  });
  traces.push(baseTrace(det.years, base.series[present[0]].values, u.factor));
  return plot(el, traces, layout(title, u.unit));
}

function co2Chart(el) {
  const det = state.det, base = state.init.baseline;
  const item = det.stacked.co2;
  const u = unitOf(item);
  const traces = item.labels.map((lab, k) => ({
    x: det.years, y: scaled(item.values[k], u.factor), name: item.names[state.lang][k],
    stackgroup: "one", mode: "lines", line: { width: 0.5, color: COLORS[lab] || PALETTE[k] },
  }));
  traces.push(...bandTraces(det.years, "co2_total", u.factor, "rgba(230,57,70,0.22)"));
  traces.push({ x: det.years, y: scaled(det.series.co2_total.values, u.factor), mode: "lines",
    name: t("total"), line: { color: "#e63946", width: 2 } });
  traces.push(baseTrace(det.years, base.series.co2_total.values, u.factor));
  const lay = layout(t("chartCo2"), u.unit);
  if (det.peak_year !== null) {
    lay.shapes = [{ type: "line", x0: det.peak_year, x1: det.peak_year, yref: "paper", y0: 0,
      y1: 1, line: { color: "#e63946", width: 1, dash: "dot" } }];
    lay.annotations = [{ x: det.peak_year, y: 1, yref: "paper", text: `${t("peak")} ${
      det.peak_year.toFixed(0)}`, showarrow: false, font: { size: 10, color: "#e63946" },
      yanchor: "bottom" }];
  }
  return plot(el, traces, lay);
}

function targetsTable() {
  const det = state.det, ens = state.ens;
  const head = $("#targets thead"), body = $("#targets tbody");
  head.innerHTML = `<tr>${t("cols").map((c) => `<th>${c}</th>`).join("")}</tr>`;
  body.innerHTML = "";
  const rows = ens ? ens.targets : det.targets;
  rows.forEach((r, i) => {
    const d = det.targets[i];
    const L = r[state.lang], Ld = d[state.lang];
    const tr = document.createElement("tr");
    tr.dataset.indicator = r.indicator;
    tr.dataset.year = String(r.year);
    tr.dataset.status = r.status;
    tr.dataset.pmeet = String(r.p_meet);
    tr.dataset.value = String(Ld.value);
    tr.classList.toggle("pending", !ens);
    const cmp = { ">=": "≥", "<=": "≤", "≈": "≈" }[r.comparator] || r.comparator;
    const isYear = ["年", "yr", "year"].includes(L.unit); // a calendar year: 2030, not 2,030
    const f = (x) => (isYear ? (x === null || !isFinite(x) ? "–" : x.toFixed(0)) : fmt(x));
    const cells = [
      L.name, String(r.year), `${cmp} ${f(L.target)} ${L.unit}`, `${f(Ld.value)} ${L.unit}`,
      ens ? `${f(L.p5)}–${f(L.p95)}` : "…",
      ens ? `${(r.p_meet * 100).toFixed(0)}%` : "…", "",
    ];
    cells.forEach((c, k) => {
      const td = document.createElement("td");
      td.textContent = c;
      if (k >= 2 && k <= 5) td.className = "num";
      tr.appendChild(td);
    });
    const light = document.createElement("span");
    light.className = `light ${r.status}`;
    tr.lastChild.appendChild(light);
    tr.lastChild.appendChild(document.createTextNode(t("status")[r.status]));
    body.appendChild(tr);
  });
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));

async function drawAll(onFirst) {
  // all from one answer; the page keeps the last good one. The headline numbers, the target
  // lights and the CO2 chart are drawn first (what a reader watches while sliding), the other
  // charts in the next frame.
  const det = state.det;
  headline();
  targetsTable();
  await co2Chart($("#chart-co2"));
  if (onFirst) onFirst();
  await nextFrame();
  if (state.det !== det) return det; // a newer answer is being drawn
  await Promise.all([
    lineChart($("#chart-coal"), t("chartCoal"), ["coal_output", "coal_local_use"], "coal_output"),
    stackedChart($("#chart-cap"), "power_cap", "area", t("chartCap")),
    stackedChart($("#chart-gen"), "power_gen", "area", t("chartGen")),
    lineChart($("#chart-h2"), t("chartH2"), ["h2_green_supply", "h2_grey_supply"], null),
    lineChart($("#chart-ei"), t("chartEi"), ["energy_intensity"], "energy_intensity"),
  ]);
  document.body.dataset.state = "ready";
  return det;
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-t]")) {
    const v = t(el.dataset.t);
    if (typeof v === "string") el.textContent = v;
  }
  $("#lang").textContent = t("lang");
  document.title = `${t("title")} · energysim`;
  const s = state.init.scenario;
  $("#scenario-title").textContent = `${s.label} · ${s.title[state.lang]}`;
  const ens = state.init.ensemble;
  document.querySelector("[data-t=note]").textContent = t("note")(ens.samples, ens.seed);
}

async function start(init) {
  // charts measure their text: draw after the CJK font is in (served from the package)
  try { await document.fonts.load('14px "Noto Sans SC"', "准格尔旗"); } catch (e) { /* drawn anyway */ }
  state.init = init;
  state.values = {};
  for (const lv of levers()) state.values[lv.path] = lv.baseline;
  state.det = init.baseline;
  state.ens = null;
  applyLanguage();
  buildLevers();
  await drawAll();
  requestEns();
}

async function download(url, body, filename) {
  const resp = await post(url, body);
  const blob = await resp.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function wire() {
  $("#lang").addEventListener("click", async () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    applyLanguage();
    buildLevers();
    showTiming();
    setStatus(state.ens ? `${t("ready")} · ${t("moved")(movedPaths().length)}` : "");
    await drawAll();
  });
  $("#reset").addEventListener("click", () => {
    for (const lv of levers()) state.values[lv.path] = lv.baseline;
    buildLevers();
    state.ensWanted = true;
    requestDet();
  });
  $("#download").addEventListener("click", async () => {
    try {
      await download("/api/scenario", payload(), `${state.init.scenario.name}-whatif.yaml`);
    } catch (e) { showError(e.message); }
  });
  $("#brief").addEventListener("click", async () => {
    const btn = $("#brief");
    btn.disabled = true;
    setStatus(t("briefing"));
    try {
      await download("/api/brief", { ...payload(), lang: state.lang }, "brief.pdf");
      setStatus(t("ready"));
    } catch (e) { showError(e.message); } finally { btn.disabled = false; }
  });
  $("#open-file").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = "";
    if (!file) return;
    try {
      const text = await file.text();
      const resp = await post("/api/open", text, {
        "Content-Type": "application/x-yaml", "X-Filename": encodeURIComponent(file.name) });
      const data = await resp.json();
      if (data.invalid) { showError(data.invalid); return; }
      clearError();
      await start(data);
      setStatus(`${t("opened")} ${file.name}`);
    } catch (e) { showError(e.message); }
  });
}

(async function main() {
  wire();
  try {
    const resp = await fetch("/api/init");
    if (!resp.ok) throw new Error((await resp.json()).error);
    await start(await resp.json());
  } catch (e) { showError(e.message); }
})();
