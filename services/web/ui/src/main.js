// gokinjo map frontend. Leaflet draws the map; Leaflet.VectorGrid draws the
// town polygons of the API's vector tiles as SVG, shaded by safety. The page
// works without the background tiles (data layers are SVG over an empty map)
// and tells the user in words when the API cannot be reached.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
// Adds L.vectorGrid to the global L that Leaflet's bundle sets.
import 'leaflet.vectorgrid';
import './app.css';
import { createClient } from './api.js';
import { label, messages, pickLang } from './i18n.js';
import { DEFAULT_WARD, WARDS, isWard } from './wards.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || '';
const config = {
  apiBase: meta('gokinjo-api-base'),
  tileURL: meta('gokinjo-tile-url'),
  tileAttribution: meta('gokinjo-tile-attribution'),
};
const api = createClient(config.apiBase);
const $ = (id) => document.getElementById(id);
// Leaflet sets string tooltip content as HTML; API text goes in as a node.
const text = (s) => {
  const span = document.createElement('span');
  span.textContent = s;
  return span;
};

const LEVEL_COLORS = { very_safe: '#1a7f37', safe: '#4d9a2a', moderate: '#b35c00', caution: '#c62828' };
const NO_SCORE_COLOR = '#8a949e';
// The API's levels: quartiles of the 0-100 score (services/api README). The
// tiles carry the score only; the browser test checks every polygon's colour
// against the level /v1/areas gives for the town.
const levelOf = (score) => (score >= 75 ? 'very_safe' : score >= 50 ? 'safe' : score >= 25 ? 'moderate' : 'caution');
const TOKYO = [35.68, 139.74];

// Everything the URL reflects, plus what was loaded for it.
const url = new URL(window.location.href);
const state = {
  lang: pickLang(url.searchParams.get('lang'), navigator.language),
  ward: isWard(url.searchParams.get('ward')) ? url.searchParams.get('ward') : DEFAULT_WARD,
  town: /^\d{6}$/.test(url.searchParams.get('town') || '') ? url.searchParams.get('town') : '',
  towns: [], // areas of the ward
  scores: [],
  crimes: [],
  cursor: null,
  lastAction: null, // retried by the alert's button
};
let m = messages(state.lang);

// ---- map ----------------------------------------------------------------
// The view is set by the first ward (or town) loaded, so no tiles of a view
// nobody asked for are fetched first.
const map = L.map('map', { zoomControl: true, preferCanvas: false });
let mapPlaced = false;
if (config.tileURL) {
  const tiles = L.tileLayer(config.tileURL, { maxZoom: 18, attribution: config.tileAttribution });
  let failed = 0;
  tiles.on('tileerror', () => {
    failed += 1;
    if (failed === 1) showMapNote('tilesDown');
  });
  tiles.addTo(map);
} else {
  showMapNote('noTiles');
}

// Town polygons from the API's vector tiles (layer towns: ward_code,
// town_code, town_name, town_name_ja, score), above the background map and
// below the school and crime markers. Its other layers are not drawn: the
// selected town's schools and crimes come from the JSON API with their details.
map.createPane('towns').style.zIndex = 350;
const townKey = (p) => `${p.ward_code}${p.town_code}`;
const isSelected = (p) => p.ward_code === state.ward && p.town_code === state.town;
function townStyle(p) {
  const level = typeof p.score === 'number' ? levelOf(p.score) : 'none';
  const on = isSelected(p);
  return {
    // Classes are set once per path; the browser test reads them.
    className: `town-area town-${townKey(p)} level-${level}`,
    fill: true, fillColor: LEVEL_COLORS[level] || NO_SCORE_COLOR, fillOpacity: 0.4,
    color: on ? '#0b2545' : '#ffffff', weight: on ? 4 : 1, opacity: on ? 1 : 0.8,
  };
}
const townLayer = L.vectorGrid.protobuf(api.tileURL, {
  pane: 'towns',
  rendererFactory: L.svg.tile,
  interactive: true,
  getFeatureId: (f) => townKey(f.properties),
  vectorTileLayerStyles: { towns: townStyle, schools: [], crimes: [] },
  maxZoom: 18,
}).addTo(map);
const townTip = L.tooltip({ direction: 'top', offset: [0, -8] });
townLayer.on('click', (e) => selectFromMap(e.layer.properties));
townLayer.on('mouseover', (e) => {
  const p = e.layer.properties;
  townTip.setLatLng(e.latlng).setContent(text(state.lang === 'ja' ? p.town_name_ja : p.town_name));
  map.openTooltip(townTip);
});
townLayer.on('mouseout', () => map.closeTooltip(townTip));
let highlighted = '';

// Resolves once the town polygons of the current view are drawn.
const townsDrawn = () => new Promise((resolve) => {
  if (townLayer.isLoading()) townLayer.once('load', () => resolve());
  else resolve();
});

const crimeLayer = L.layerGroup().addTo(map);
const schoolLayer = L.layerGroup().addTo(map);

function placeMap(bounds, opts) {
  map.fitBounds(bounds, { animate: mapPlaced, ...opts });
  mapPlaced = true;
}

function placeWard() {
  if (state.towns.length) placeMap(L.latLngBounds(state.towns.map((a) => [a.lat, a.lon])).pad(0.1), { animate: false });
}

function showMapNote(key) {
  const note = $('map-note');
  note.dataset.key = key;
  note.textContent = m[key];
  note.hidden = false;
}

// The colours of the town shading, in words.
function renderLegend() {
  $('legend-items').replaceChildren(...Object.entries(LEVEL_COLORS).map(([level, color]) => {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.backgroundColor = color; // CSSOM, allowed by the CSP (no style attribute)
    li.dataset.level = level;
    li.append(swatch, label(m, 'levels', level));
    return li;
  }));
}

// ---- names ----------------------------------------------------------------
const wardName = (code) => {
  const w = WARDS.find((x) => x.code === code);
  return w ? (state.lang === 'ja' ? w.ja : w.en) : code;
};
const townName = (a) => (state.lang === 'ja' ? a.town_name_ja : a.town_name);

// ---- errors -------------------------------------------------------------
function showError(err, retry) {
  // Unreachable, 5xx from the ALB or the API (restarting, database down) and
  // unreadable answers all mean the same to a parent: try again later.
  const key = err && err.kind === 'not_found' ? 'notFound' : 'apiDown';
  state.lastAction = retry;
  $('alert-text').dataset.key = key;
  $('alert-text').textContent = m[key];
  $('retry').hidden = key === 'notFound';
  $('alert').hidden = false;
  document.body.dataset.apiError = key;
}

function clearError() {
  $('alert').hidden = true;
  delete document.body.dataset.apiError;
}

// ---- URL ----------------------------------------------------------------
function writeURL(push) {
  const u = new URL(window.location.href);
  u.search = '';
  u.searchParams.set('ward', state.ward);
  if (state.town) u.searchParams.set('town', state.town);
  u.searchParams.set('lang', state.lang);
  if (u.href !== window.location.href) {
    window.history[push ? 'pushState' : 'replaceState'](null, '', u);
  }
}

// ---- ward and towns ------------------------------------------------------
function renderWardSelect() {
  const sel = $('ward');
  sel.replaceChildren(...WARDS.map((w) => {
    const o = document.createElement('option');
    o.value = w.code;
    o.textContent = state.lang === 'ja' ? `${w.ja}（${w.en}）` : `${w.en} (${w.ja})`;
    return o;
  }));
  sel.value = state.ward;
}

async function loadWard(ward, { fit = true } = {}) {
  state.ward = ward;
  $('ward').value = ward;
  $('town-count').textContent = m.loading;
  let body;
  try {
    body = await api.areas(ward);
  } catch (err) {
    $('town-count').textContent = '';
    if (!mapPlaced) {
      map.setView(TOKYO, 12);
      mapPlaced = true;
    }
    // Retrying also restores the town of a shared link.
    showError(err, async () => {
      if ((await loadWard(ward, { fit })) && state.town) await selectTown(state.town);
    });
    return false;
  }
  clearError();
  state.towns = body.items || [];
  renderTownList();
  highlightTown();
  // A shared link's town places the map itself (no ward view fetched first).
  if (fit) placeWard();
  // Measured by the browser test: the ward's town polygons are on the map.
  townsDrawn().then(() => requestAnimationFrame(() => {
    if (state.ward !== ward) return;
    performance.mark('gokinjo:ward-rendered');
    document.body.dataset.wardRendered = ward;
  }));
  return true;
}

// A click on a polygon selects its town, in another ward too.
async function selectFromMap(p) {
  if (p.ward_code !== state.ward) {
    state.town = '';
    $('q').value = '';
    if (!(await loadWard(p.ward_code, { fit: false }))) return;
  }
  await selectTown(p.town_code, { push: true });
}

function highlightTown() {
  const key = state.town ? `${state.ward}${state.town}` : '';
  if (key === highlighted) return;
  // townStyle reads the selection: restyle the old and the new town.
  if (highlighted) townLayer.resetFeatureStyle(highlighted);
  if (key) townLayer.setFeatureStyle(key, townStyle);
  highlighted = key;
}

function renderTownList() {
  const q = $('q').value.trim().toLowerCase();
  const matches = state.towns.filter((a) => !q
    || a.town_name.toLowerCase().includes(q) || a.town_name_ja.includes(q) || a.town_code.includes(q));
  $('town-count').textContent = m.towns(matches.length);
  $('towns').replaceChildren(...matches.map((a) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.town = a.town_code;
    b.textContent = townName(a);
    if (a.town_code === state.town) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => selectTown(a.town_code, { push: true, focus: true }));
    li.append(b);
    return li;
  }));
}

// ---- town details ---------------------------------------------------------
async function selectTown(town, { push = false, focus = false } = {}) {
  const a = state.towns.find((x) => x.town_code === town);
  if (!a) {
    state.town = '';
    writeURL(false);
    if (!mapPlaced) placeWard();
    return;
  }
  state.town = town;
  writeURL(push);
  highlightTown();
  renderTownList();
  $('details-title').textContent = m.townIn(townName(a), wardName(state.ward));
  $('details-body').hidden = true;
  schoolLayer.clearLayers();
  crimeLayer.clearLayers();
  let scores;
  let crimes;
  try {
    [scores, crimes] = await Promise.all([api.safetyScores(state.ward, town), api.crimes(state.ward, town)]);
  } catch (err) {
    if (!mapPlaced) placeWard();
    showError(err, () => selectTown(town, { focus }));
    return;
  }
  if (state.town !== town) return; // the user moved on meanwhile
  clearError();
  state.scores = scores.items || [];
  state.crimes = crimes.items || [];
  state.cursor = crimes.next_cursor;
  renderDetails();
  drawSchoolsAndCrimes(state.crimes);
  const pts = [[a.lat, a.lon], ...state.scores.map((s) => [s.lat, s.lon])];
  placeMap(L.latLngBounds(pts).pad(0.5), { maxZoom: 15 });
  if (focus) $('details').focus();
}

function renderDetails() {
  const a = state.towns.find((x) => x.town_code === state.town);
  if (!a) return;
  $('details-title').textContent = m.townIn(townName(a), wardName(state.ward));
  const rows = state.scores.map((s) => {
    const tr = document.createElement('tr');
    tr.dataset.schoolId = String(s.school_id);
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = s.school_name;
    const type = document.createElement('td');
    type.textContent = label(m, 'types', s.school_type);
    const score = document.createElement('td');
    score.className = 'num';
    score.dataset.score = String(s.score);
    score.textContent = String(s.score);
    const level = document.createElement('td');
    const badge = document.createElement('span');
    badge.className = `level level-${s.level}`;
    badge.dataset.level = s.level;
    badge.textContent = label(m, 'levels', s.level);
    level.append(badge);
    tr.append(name, type, score, level);
    return tr;
  });
  $('schools').tBodies[0].replaceChildren(...rows);
  $('schools').hidden = rows.length === 0;
  $('no-schools').hidden = rows.length !== 0;
  renderCrimes();
  $('details-body').hidden = false;
}

function renderCrimes() {
  const fmt = new Intl.DateTimeFormat(m.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' });
  $('crimes').replaceChildren(...state.crimes.map((c) => {
    const li = document.createElement('li');
    li.dataset.crimeId = String(c.id);
    const t = document.createElement('time');
    t.dateTime = c.occurred_at;
    t.textContent = fmt.format(new Date(c.occurred_at));
    li.append(`${label(m, 'categories', c.category)} · `, t);
    return li;
  }));
  $('no-crimes').hidden = state.crimes.length !== 0;
  $('more').hidden = !state.cursor;
}

function drawSchoolsAndCrimes(newCrimes) {
  schoolLayer.clearLayers();
  for (const s of state.scores) {
    L.circleMarker([s.lat, s.lon], {
      radius: 9, color: '#111', weight: 2, fillColor: LEVEL_COLORS[s.level] || '#666', fillOpacity: 0.95,
      className: 'school-marker',
    }).bindTooltip(() => text(`${s.school_name}: ${s.score} (${label(m, 'levels', s.level)})`)).addTo(schoolLayer);
  }
  for (const c of newCrimes) {
    L.circleMarker([c.lat, c.lon], {
      radius: 3, color: '#5a1a1a', weight: 1, fillColor: '#d9534f', fillOpacity: 0.8, className: 'crime-marker',
    }).addTo(crimeLayer);
  }
}

// Keyset pagination: ask for the page after the API's next_cursor until it
// is null.
async function loadMoreCrimes() {
  const { ward, town, cursor } = state;
  if (!cursor) return;
  $('more').disabled = true;
  try {
    const page = await api.crimes(ward, town, cursor);
    if (state.town !== town || state.ward !== ward) return;
    clearError();
    state.crimes = state.crimes.concat(page.items || []);
    state.cursor = page.next_cursor;
    renderCrimes();
    drawSchoolsAndCrimes(page.items || []);
  } catch (err) {
    showError(err, loadMoreCrimes);
  } finally {
    $('more').disabled = false;
  }
}

// ---- language --------------------------------------------------------------
function applyLang() {
  m = messages(state.lang);
  document.documentElement.lang = state.lang;
  document.title = m.title;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = m[el.dataset.i18n];
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', m[el.dataset.i18nLabel]);
  for (const el of document.querySelectorAll('[data-key]')) el.textContent = m[el.dataset.key];
  $('lang').textContent = m.langButton;
  $('lang').lang = state.lang === 'ja' ? 'en' : 'ja';
  $('lang-hint').textContent = m.langHint;
  renderLegend();
  renderWardSelect();
  renderTownList();
  if (state.town && !$('details-body').hidden) renderDetails();
}

// ---- wiring ------------------------------------------------------------------
$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'ja' ? 'en' : 'ja';
  applyLang();
  writeURL(false);
});
$('ward').addEventListener('change', async (e) => {
  state.town = '';
  $('q').value = '';
  $('details-title').textContent = m.pick;
  $('details-body').hidden = true;
  schoolLayer.clearLayers();
  crimeLayer.clearLayers();
  state.ward = e.target.value;
  writeURL(true);
  await loadWard(state.ward);
});
$('q').addEventListener('input', renderTownList);
$('q').addEventListener('keydown', (e) => {
  // Enter picks the first match, so search + Enter is enough.
  if (e.key === 'Enter') {
    const first = $('towns').querySelector('button');
    if (first) selectTown(first.dataset.town, { push: true, focus: true });
  }
});
$('more').addEventListener('click', loadMoreCrimes);
$('retry').addEventListener('click', () => {
  if (state.lastAction) state.lastAction();
});
window.addEventListener('popstate', async () => {
  const u = new URL(window.location.href);
  const ward = isWard(u.searchParams.get('ward')) ? u.searchParams.get('ward') : DEFAULT_WARD;
  state.town = u.searchParams.get('town') || '';
  if (ward !== state.ward || !state.towns.length) {
    if (!(await loadWard(ward))) return;
  }
  if (state.town) await selectTown(state.town);
  else highlightTown();
});

async function start() {
  applyLang();
  writeURL(false);
  const ok = await loadWard(state.ward, { fit: !state.town });
  if (ok && state.town) await selectTown(state.town);
}
start();
