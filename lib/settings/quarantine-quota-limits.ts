// The per-source quota of quarantined raw bodies (issue 15, A3), in MiB as the Settings page
// takes it. A module without zod, for the Settings form (a client component) to import.

export const QUARANTINE_QUOTA_KEY = "quarantine.quota_bytes";
export const MIB = 1024 * 1024;
/** 1 GiB per source unless an admin sets another quota. */
export const DEFAULT_QUARANTINE_QUOTA_MIB = 1024;
export const MIN_QUARANTINE_QUOTA_MIB = 1;
/** 1 TiB: past that, the disk is the limit. */
export const MAX_QUARANTINE_QUOTA_MIB = 1024 * 1024;
