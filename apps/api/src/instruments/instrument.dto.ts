import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';

/** The instrument code rule of validateDefinition, so a malformed code in a URL stops at the pipe. */
const CODE = /^[a-z][a-z0-9_]{1,39}$/;
/** Versions are stored as PostgreSQL integers. */
export const MAX_VERSION = 2_147_483_647;

export class InstrumentDefinitionDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'A whole instrument definition (docs/instruments.md); its contents are validated by the instruments library.',
  })
  @IsObject()
  definition: Record<string, unknown>;
}

export class InstrumentCodeParam {
  @ApiProperty({ example: 'phq9' })
  @Matches(CODE)
  code: string;
}

export class InstrumentVersionParam extends InstrumentCodeParam {
  @ApiProperty({ minimum: 1, example: 1 })
  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_VERSION)
  version: number;
}

export class FhirExportQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'The version to export; the latest when left out.' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_VERSION)
  version?: number;
}

export class FhirImportQuery {
  @ApiPropertyOptional({ description: 'Store the imported instrument under this code instead of the one the Questionnaire gives.', example: 'ors_copy' })
  @IsOptional() @Matches(CODE)
  code?: string;
}
