import type { Item, Scale } from './definition.types.js';

export interface Range {
  min: number;
  max: number;
}

/** The scored range of an item, or null when it cannot be scored (free text, or options still malformed). */
export function itemRange(item: Item): Range | null {
  switch (item.type) {
    case 'likert': {
      const weights = (item.options ?? []).map((o) => o.weight ?? o.value).filter((w) => Number.isFinite(w));
      if (weights.length === 0) return null;
      return { min: Math.min(...weights), max: Math.max(...weights) };
    }
    case 'numeric':
      return Number.isFinite(item.min) && Number.isFinite(item.max) ? { min: item.min!, max: item.max! } : null;
    case 'yes_no':
      return { min: 0, max: 1 };
    default:
      return null;
  }
}

/** The range of a scale's final score (after any transform), or null when an item's range is unknown. */
export function scaleRange(scale: Scale, itemsById: Map<string, Item>): Range | null {
  let min = 0;
  let max = 0;
  for (const id of scale.items) {
    const item = itemsById.get(id);
    const range = item ? itemRange(item) : null;
    if (!range) return null;
    min += range.min;
    max += range.max;
  }
  if (scale.scoring === 'mean') {
    min /= scale.items.length;
    max /= scale.items.length;
  }
  const multiply = scale.transform?.multiply ?? 1;
  return { min: min * multiply, max: max * multiply };
}
