// Thin client for services/api. Every call has a timeout, and failures are
// classified so the page can say what went wrong in words.

export class APIError extends Error {
  constructor(kind, status, detail) {
    super(`${kind}${status ? ` (${status})` : ''}${detail ? `: ${detail}` : ''}`);
    this.kind = kind; // 'unavailable' | 'busy' | 'not_found' | 'bad_response'
    this.status = status;
  }
}

const TIMEOUT_MS = 8000;

export function createClient(base) {
  // base is '' (same origin: the ALB routes /v1 to the API) or an origin
  // such as http://127.0.0.1:8081 for local runs.
  const root = base.replace(/\/+$/, '');

  async function get(path, params) {
    const url = new URL(root + path, window.location.href);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    }
    let res;
    try {
      res = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      // Connection refused, DNS, CORS or timeout: the service is out of reach.
      throw new APIError('unavailable', 0, err && err.name);
    }
    if (res.status === 404) throw new APIError('not_found', 404);
    if (res.status === 502 || res.status === 503 || res.status === 504) throw new APIError('busy', res.status);
    if (!res.ok) throw new APIError('unavailable', res.status);
    try {
      return await res.json();
    } catch {
      throw new APIError('bad_response', res.status);
    }
  }

  const area = (ward, town) => `/v1/areas/${encodeURIComponent(ward)}/${encodeURIComponent(town)}`;
  return {
    // Vector tiles (Leaflet URL template): town polygons with their score.
    tileURL: `${root}/v1/tiles/{z}/{x}/{y}.mvt`,
    areas: (ward) => get('/v1/areas', { ward_code: ward }),
    safetyScores: (ward, town) => get(`${area(ward, town)}/safety-scores`),
    crimes: (ward, town, cursor, limit = 20) => get(`${area(ward, town)}/crimes`, { limit, cursor }),
  };
}
