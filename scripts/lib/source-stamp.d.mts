export const DIST_DIR: string;
export const STAMP_FILE: string;
export function sourceStamp(): Promise<string>;
export function builtStamp(): Promise<string | null>;
