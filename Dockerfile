# The worker image. Build stage: every dependency, `tsc`, and the workflow bundle prebuilt so the
# worker does not run webpack at each start. Runtime stage: production dependencies, the compiled
# code and the bundle, as the unprivileged `node` user.
#
#   docker build -t automation-engine .
#   docker run --env-file .env automation-engine

ARG NODE_IMAGE=node:20.18-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# workers/worker.ts loads dist/workflow-bundle.js when it exists; the bundle carries the engine's
# failure converter (failure texts encoded, so the payload codec encrypts them).
RUN npx tsc -p tsconfig.json \
 && node -e "require('@temporalio/worker').bundleWorkflowCode({ workflowsPath: require.resolve('./dist/workflows'), failureConverterPath: require.resolve('./dist/clients/temporal/codec/failure-converter') }).then(({ code }) => require('node:fs').writeFileSync('dist/workflow-bundle.js', code))"

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The main thread's young generation, fixed at start (workers/heap-policy.ts sets the rest).
ENV NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: search attributes (schedules apply) and the dynamic config.
COPY temporal-config ./temporal-config
USER node
# /metrics (METRICS_PORT) and /healthz, /readyz (HEALTH_PORT); the codec server (CODEC_SERVER_PORT)
# when the image runs dist/clients/temporal/codec-server-cli.js.
EXPOSE 9464 9465 8081
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 9465) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/workers/main.js"]
