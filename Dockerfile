# Parley's image: the same install and build CI runs (`npm ci`, `npm run build`), then a slim
# runtime with production dependencies only, run as a non-root user. docker-compose.yml builds it.

# --- build: every dependency, the compiled dist/ --------------------------------------------
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native module when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The whole tree first: `npm ci` runs the `prepare` script (scripts/build.mjs), which reads it.
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build

# --- production dependencies only (no TypeScript, Jest, ESLint, Playwright, Stryker) --------
FROM build AS deps
RUN npm ci --omit=dev --no-audit --no-fund

# --- runtime ------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PARLEY_DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
# The data folder (SQLite in embedded mode, voice-note audio, the console secret): a volume,
# owned by the unprivileged `node` user the image already has (uid 1000). Parley keeps it 0700.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# /ready answers 200 once the store answers a ping (no token needed); Node 20 has fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The compiled entry point directly (what `npm start` runs once dist/ is fresh), so SIGTERM reaches
# Parley itself and it drains in-flight turns before exiting.
CMD ["node", "--enable-source-maps", "dist/bin/parley.js", "start"]
