/** The environment variable that names the migrated cluster test files copy (test/global-setup.ts). */
export const CLUSTER_TEMPLATE_VARIABLE = "WEBHOOK_INBOX_TEST_CLUSTER";
