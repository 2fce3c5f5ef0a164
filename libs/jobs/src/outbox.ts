import type { EntityManager } from 'typeorm';

/** Topics of changes that aggregates depend on. Payloads hold ids only. */
export type OutboxEvent =
  | { topic: 'client.changed'; payload: { clientId: string } }
  | { topic: 'episode.changed'; payload: { episodeId: string; clientId: string } }
  | { topic: 'response.recorded'; payload: { responseId: string; episodeId: string } }
  /** A goal was set or changed, or its attainment recorded at an occasion. */
  | { topic: 'goal.changed'; payload: { goalId: string; episodeId: string; occasionId?: string } }
  /** A follow-up note: occasion-level (episode and occasion set) or unit/method-level (unit and/or method set). */
  | { topic: 'note.recorded'; payload: { noteId: string; occasionId?: string; episodeId?: string; orgUnitId?: string; methodId?: string } }
  /** An occasion's schedule or state changed (completeness). */
  | { topic: 'occasion.changed'; payload: { occasionId: string; episodeId: string } }
  /** A group's membership changed. */
  | { topic: 'group.changed'; payload: { groupId: string } }
  /** A new version of an instrument: the classification rules of every client measured with it change. */
  | { topic: 'instrument.changed'; payload: { instrumentId: string } };

/** Writes outbox rows in the caller's transaction: the change and its announcement commit together. */
export async function writeOutbox(manager: EntityManager, municipalityId: string, events: OutboxEvent[]): Promise<void> {
  // Chunked to stay far below PostgreSQL's 65,535 bind parameters per statement.
  for (let start = 0; start < events.length; start += 5000) {
    const chunk = events.slice(start, start + 5000);
    const params: unknown[] = [];
    const rows = chunk.map((e) => {
      params.push(municipalityId, e.topic, JSON.stringify(e.payload));
      const b = params.length;
      return `($${b - 2}, $${b - 1}, $${b}::jsonb)`;
    });
    await manager.query(`INSERT INTO outbox (municipality_id, topic, payload) VALUES ${rows.join(', ')}`, params);
  }
}
