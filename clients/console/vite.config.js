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
      const file = join(dir, 'amplifyconfiguration.json');
      server.middlewares.use('/amplifyconfiguration.json', async (_request, response) => {
        let text;
        try {
          text = await readFile(file);
        } catch (error) {
          // No file yet (deploy has not run) is a 404, which the console explains; anything else a 500.
          const missing = error?.code === 'ENOENT' || error?.code === 'ENOTDIR';
          response.statusCode = missing ? 404 : 500;
          response.setHeader('Content-Type', 'text/plain; charset=utf-8');
          const why = missing ? `${file} does not exist: run \`cargo xtask deploy\`` : `Cannot read ${file}: ${error}`;
          response.end(why);
          return;
        }
        response.setHeader('Content-Type', 'application/json');
        response.setHeader('Cache-Control', 'no-store');
        response.end(text);
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
