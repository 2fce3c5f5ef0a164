import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'group_membership' })
export class GroupMembershipEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId: string;

  @PrimaryColumn({ name: 'episode_id', type: 'uuid' })
  episodeId: string;

  /** ISO date 'YYYY-MM-DD'. */
  @Column({ name: 'joined_on', type: 'date' })
  joinedOn: string;

  @Column({ name: 'left_on', type: 'date', nullable: true })
  leftOn: string | null;
}
