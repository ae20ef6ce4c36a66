// Quotations as the page shows them. The source text has stray spaces inside Chinese words (科 学平台处,
// 上海 科创办) and page breaks inside sentences (习近\n\n平), left by its PDF extraction; the data keeps
// them (evidence offsets count them), the page drops a single space, or a line break, between two Han
// characters when it shows a quote. Nothing here changes data.

const HAN = "\\p{Script=Han}";
const STRAY = new RegExp(`(?<=${HAN})(?:[ \\u00a0\\u3000]|[ \\t]*(?:\\r?\\n[ \\t]*)+)(?=${HAN})`, "gu");

/** `text` for display: a single space, or a line break, between two Han characters removed. */
export function displayQuote(text) {
  return (text || "").replace(STRAY, "");
}

/** `text` cut into parts at the code-point offsets `cuts` (ascending), each part normalised for display
 * as part of the whole, so a stray space at a cut (上海 |科创办) goes too. Offsets count code points, as
 * the evidence spans do. */
export function displayParts(text, cuts) {
  const chars = [...(text || "")];
  const whole = chars.join("");
  const drop = new Set();  // code-point offsets the display leaves out
  for (const match of whole.matchAll(STRAY)) {
    const first = [...whole.slice(0, match.index)].length;
    for (let k = 0; k < [...match[0]].length; k += 1) drop.add(first + k);
  }
  const bounds = [0, ...cuts.map((c) => Math.max(0, Math.min(chars.length, c))), chars.length];
  const parts = [];
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    let part = "";
    for (let k = bounds[i]; k < bounds[i + 1]; k += 1) if (!drop.has(k)) part += chars[k];
    parts.push(part);
  }
  return parts;
}

/** Citations without repeats: one per evidence, then one per quoted text; with `nested`, also none whose
 * span lies inside another shown span of the same report (a date quoted alone and again in its sentence). */
export function distinctCitations(citations = [], { nested = false } = {}) {
  const seenEvidence = new Set();
  const seenText = new Set();
  const unique = citations.filter((c) => {
    const text = `${c.document || ""}|${c.section || ""}|${c.text || `${c.start}-${c.end}`}`;
    if (seenEvidence.has(c.evidence) || seenText.has(text)) return false;
    seenEvidence.add(c.evidence);
    seenText.add(text);
    return true;
  });
  const within = (a, b) => a !== b && a.document === b.document && a.start >= b.start && a.end <= b.end
    && (a.start !== b.start || a.end !== b.end);
  if (!nested) return unique;
  return unique.filter((c) => !(Number.isInteger(c.start) && unique.some((o) => Number.isInteger(o.start) && within(c, o))));
}
