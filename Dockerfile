# syntax=docker/dockerfile:1
# The store-admission webhook image: `store-admission serve` (and the check/mutate CLI).
# Build: docker build -t store-admission:dev .   (multi-arch: docker buildx build --platform linux/amd64,linux/arm64 .)

# Production dependencies only: the dev dependencies carry test tooling and helm/kubectl layers.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Compile with the lockfile's TypeScript and Node types, on top of the production tree.
FROM deps AS build
RUN npm install --no-save --ignore-scripts --no-audit --no-fund typescript@5.9.3 @types/node@20.19.43
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# distroless: no shell, no package manager; runs as the image's nonroot user (65532).
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY policy ./policy
# The copy-public-files script the webhook injects: the library chart's own copy, read at start.
COPY charts/store-lib/templates/_copy-public-files.tpl ./charts/store-lib/templates/
USER 65532:65532
EXPOSE 8443
# The distroless entrypoint is node; liveness/readiness: GET https://:8443/healthz and /readyz.
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/store-admission.js"]
CMD ["serve", "--port", "8443"]
