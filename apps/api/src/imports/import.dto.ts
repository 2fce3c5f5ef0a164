import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export class CreateImportQuery {
  @ApiProperty({ description: 'The unit to import into (within your units); every row’s unit_code must lie in its subtree.' })
  @IsUUID()
  unitId: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: 'true: check every row and change nothing (the default); false: import.' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dryRun?: 'true' | 'false';
}

export class ImportIdParam {
  @ApiProperty() @IsUUID()
  id: string;
}
