/** How one calibration answer scores: the action must match, and the labels as a set (no more, no fewer). */
export function scoreAnswer(expected: { action: string; labelKeys: string[] }, given: { action: string; labelKeys: string[] }) {
  const want = new Set(expected.labelKeys);
  const got = new Set(given.labelKeys);
  return {
    actionCorrect: expected.action === given.action,
    labelsCorrect: want.size === got.size && [...want].every((k) => got.has(k)),
  };
}
