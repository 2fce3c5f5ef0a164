import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericTransformer } from './columns.js';

/** One item's answer: an option value or number in value_numeric, free text in value_text. */
@Entity({ name: 'response_answer' })
export class ResponseAnswerEntity {
  @PrimaryColumn({ name: 'response_id', type: 'uuid' })
  responseId: string;

  @PrimaryColumn({ name: 'item_id', type: 'text' })
  itemId: string;

  @Column({ name: 'value_numeric', type: 'numeric', nullable: true, transformer: numericTransformer })
  valueNumeric: number | null;

  @Column({ name: 'value_text', type: 'text', nullable: true })
  valueText: string | null;
}
