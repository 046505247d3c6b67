// The console builds to console/dist with relative URLs (base './'), so dist can be hosted under any path, and
// reads ./amplifyconfiguration.json at run time. For `npm run dev:console`, set AQ_OUTPUTS_DIR to serve that file
// from a deployment's outputs directory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig } from 'vite';

function outputsConfig() {
  return {
    name: 'serve-amplifyconfiguration',
    configureServer(server) {
      const dir = process.env.AQ_OUTPUTS_DIR;
      if (!dir) return;
      server.middlewares.use('/amplifyconfiguration.json', async (_request, response) => {
        response.setHeader('Content-Type', 'application/json');
        response.end(await readFile(join(dir, 'amplifyconfiguration.json')));
      });
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [outputsConfig()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
