// The 23 special wards of Tokyo with their JIS municipality codes (the same
// codes the API validates). They never change, so the picker does not need
// the API's 3,000-town list to start.
export const WARDS = [
  ['13101', 'Chiyoda', '千代田区'], ['13102', 'Chuo', '中央区'], ['13103', 'Minato', '港区'],
  ['13104', 'Shinjuku', '新宿区'], ['13105', 'Bunkyo', '文京区'], ['13106', 'Taito', '台東区'],
  ['13107', 'Sumida', '墨田区'], ['13108', 'Koto', '江東区'], ['13109', 'Shinagawa', '品川区'],
  ['13110', 'Meguro', '目黒区'], ['13111', 'Ota', '大田区'], ['13112', 'Setagaya', '世田谷区'],
  ['13113', 'Shibuya', '渋谷区'], ['13114', 'Nakano', '中野区'], ['13115', 'Suginami', '杉並区'],
  ['13116', 'Toshima', '豊島区'], ['13117', 'Kita', '北区'], ['13118', 'Arakawa', '荒川区'],
  ['13119', 'Itabashi', '板橋区'], ['13120', 'Nerima', '練馬区'], ['13121', 'Adachi', '足立区'],
  ['13122', 'Katsushika', '葛飾区'], ['13123', 'Edogawa', '江戸川区'],
].map(([code, en, ja]) => ({ code, en, ja }));

export const DEFAULT_WARD = '13101';

export function isWard(code) {
  return WARDS.some((w) => w.code === code);
}
