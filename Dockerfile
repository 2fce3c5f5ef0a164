# Production image for the API and the worker (the same image, two commands).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Debian's Chromium prints result reports to PDF (headless, command line); never a downloaded browser.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
RUN groupadd --system matpunkt && useradd --system --gid matpunkt --create-home matpunkt
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The web UI's templates and static files are read at run time from apps/api (found from dist/ by walking up).
COPY --from=build /app/apps/api/views apps/api/views
COPY --from=build /app/apps/api/public apps/api/public
USER matpunkt
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
