/** Mirrors the shared `MobilePhone` schema; surrounding spaces are trimmed before sending. */
export const MOBILE_PHONE = /^\s*1[3-9]\d{9}\s*$/;
/** Mirrors the shared `Username` schema, which lower-cases before checking. */
export const USERNAME = /^\s*[a-zA-Z0-9_.-]{3,32}\s*$/;
