import { Module } from '@nestjs/common';
import { AuthModule } from '../auth.module.js';
import { OidcController } from './oidc.controller.js';
import { OidcService } from './oidc.service.js';

/** Sign-in through the municipality's OpenID Connect provider (docs/sign-in.md). */
@Module({
  imports: [AuthModule],
  controllers: [OidcController],
  providers: [OidcService],
})
export class OidcModule {}
