# Hookgate: runs the TypeScript sources through tsx (no build step).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOOKGATE_DATA_DIR=/data DATABASE_URL=sqlite:/data/hookgate.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json hookgate.example.yaml ./
COPY bin ./bin
COPY src ./src
COPY dashboard/public ./dashboard/public
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3002)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/hookgate.js"]
CMD ["serve"]
