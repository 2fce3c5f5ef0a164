import { SetMetadata } from '@nestjs/common';
import type { Permission } from '#access';

export const PERMISSION_KEY = 'matpunkt:permission';
export const PUBLIC_KEY = 'matpunkt:public';

/** The one permission a route needs. A route with neither this nor @Public() stops the app at boot. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may call (sign-in, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
