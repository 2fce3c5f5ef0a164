import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { PERMISSION_KEY, PUBLIC_KEY } from './permission.decorator.js';
import type { Permission } from '#access';

export interface RouteInfo {
  controller: string;
  handler: string;
  method: string;
  path: string;
  permission: Permission | null;
  public: boolean;
}

/** Every HTTP route with its declared access, read from the decorators. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prototype = Object.getPrototypeOf(instance);
    const base = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const path = Reflect.getMetadata(PATH_METADATA, handler);
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const targets = [handler, wrapper.metatype];
      routes.push({
        controller: wrapper.metatype.name,
        handler: name,
        method,
        path: `/${[base, String(path)].filter((s) => s && s !== '/').join('/')}`.replace(/\/+/g, '/'),
        permission: reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets) ?? null,
        public: reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false,
      });
    }
  }
  return routes;
}

/** Deny by default, enforced at boot: a route without @Public() or @RequirePermission() stops the app. */
export function assertEveryRouteDeclaresAccess(app: INestApplication): void {
  const undeclared = listRoutes(app).filter((r) => !r.public && !r.permission);
  if (undeclared.length > 0) {
    throw new Error(
      `Routes without a declared permission (add @RequirePermission or @Public):\n${undeclared
        .map((r) => `  ${r.method} ${r.path} (${r.controller}.${r.handler})`)
        .join('\n')}`,
    );
  }
}
