import type { Translate } from './i18n/i18n.js';

/** "Start", "Uppföljning 2", "Avslut", "Extra 1". */
export function occasionLabel(t: Translate, o: { kind: string; seq: number }): string {
  return t(`occasion.kind.${o.kind}`, { n: o.seq });
}

export function stateLabel(t: Translate, state: string): string {
  return t(`occasion.state.${state}`);
}

/** Options of a radio or select group from translation keys under a prefix. */
export function choices(t: Translate, prefix: string, values: readonly string[]): { value: string; text: string }[] {
  return values.map((value) => ({ value, text: t(`${prefix}.${value}`) }));
}
