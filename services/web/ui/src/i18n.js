// Labels in English and Japanese. Data names come from the API in both
// languages (ward_name / ward_name_ja, town_name / town_name_ja).
const MESSAGES = {
  en: {
    title: 'gokinjo · ご近所 — safe schools in Tokyo',
    skip: 'Skip to town details',
    tagline: 'Safe schools and recent crimes, town by town',
    langButton: '日本語',
    langHint: 'Switch the language to Japanese',
    find: 'Find a town',
    ward: 'Ward',
    search: 'Search towns',
    map: 'Map of the selected ward',
    pick: 'Pick a town to see its schools and crimes',
    schools: 'Schools',
    scoreHint: 'Safety score 0–100 from crimes within 500 m (higher is safer).',
    school: 'School',
    type: 'Type',
    score: 'Score',
    level: 'Level',
    noSchools: 'No schools in this town.',
    crimes: 'Latest crimes',
    noCrimes: 'No crimes recorded in this town.',
    more: 'Show older crimes',
    retry: 'Try again',
    footer: 'Data: gokinjo API. Scores are indicative, not advice.',
    towns: (n) => `${n} ${n === 1 ? 'town' : 'towns'}`,
    loading: 'Loading…',
    apiDown: 'The gokinjo data service is unavailable right now (it may be restarting), so towns, schools and crimes cannot be shown. Please try again in a moment.',
    notFound: 'This town does not exist (any more). Pick another one.',
    legend: 'Town safety',
    tilesDown: 'The background map could not be loaded; towns, schools and crimes are still shown.',
    noTiles: 'No background map is configured; towns, schools and crimes are still shown.',
    townIn: (town, ward) => `${town}, ${ward}`,
    types: { elementary: 'Elementary', junior_high: 'Junior high' },
    levels: { very_safe: 'Very safe', safe: 'Safe', moderate: 'Moderate', caution: 'Caution' },
    categories: {
      bicycle_theft: 'Bicycle theft', vehicle_break_in: 'Vehicle break-in', shoplifting: 'Shoplifting',
      pickpocketing: 'Pickpocketing', bag_snatching: 'Bag snatching', motorcycle_theft: 'Motorcycle theft',
      burglary: 'Burglary', assault: 'Assault',
    },
    locale: 'en-GB',
  },
  ja: {
    title: 'ご近所 gokinjo — 東京の学校の安全度',
    skip: '町の詳細へ移動',
    tagline: '町ごとの学校の安全度と最近の犯罪',
    langButton: 'English',
    langHint: '表示言語を英語に切り替える',
    find: '町を探す',
    ward: '区',
    search: '町名で検索',
    map: '選択した区の地図',
    pick: '町を選ぶと学校と犯罪が表示されます',
    schools: '学校',
    scoreHint: '安全スコア（0〜100）：半径500m以内の犯罪件数から算出（高いほど安全）。',
    school: '学校名',
    type: '種別',
    score: 'スコア',
    level: '安全度',
    noSchools: 'この町には学校がありません。',
    crimes: '最近の犯罪',
    noCrimes: 'この町の犯罪記録はありません。',
    more: 'さらに古い犯罪を表示',
    retry: '再試行',
    footer: 'データ：gokinjo API。スコアは目安であり、助言ではありません。',
    towns: (n) => `${n}町`,
    loading: '読み込み中…',
    apiDown: 'gokinjoのデータサービスに接続できない（再起動中の可能性があります）ため、町・学校・犯罪を表示できません。しばらくしてから再試行してください。',
    notFound: 'この町は存在しません。別の町を選んでください。',
    legend: '町の安全度',
    tilesDown: '背景地図を読み込めませんでした。町・学校・犯罪は表示されています。',
    noTiles: '背景地図が設定されていません。町・学校・犯罪は表示されています。',
    townIn: (town, ward) => `${ward} ${town}`,
    types: { elementary: '小学校', junior_high: '中学校' },
    levels: { very_safe: 'とても安全', safe: '安全', moderate: '普通', caution: '注意' },
    categories: {
      bicycle_theft: '自転車盗', vehicle_break_in: '車上ねらい', shoplifting: '万引き',
      pickpocketing: 'すり', bag_snatching: 'ひったくり', motorcycle_theft: 'オートバイ盗',
      burglary: '侵入盗', assault: '暴行',
    },
    locale: 'ja-JP',
  },
};

export const LANGS = ['en', 'ja'];

export function pickLang(fromURL, navigatorLang) {
  if (LANGS.includes(fromURL)) return fromURL;
  return (navigatorLang || '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function messages(lang) {
  return MESSAGES[lang] || MESSAGES.en;
}

// label returns a translated code (level, type, category) or the raw code
// when the API grows a value this build does not know yet.
export function label(m, group, code) {
  return (m[group] && m[group][code]) || code;
}
