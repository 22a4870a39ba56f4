// Event ids are UUIDv7: their text sorts by time, so a time can be turned into an id bound for range reads.

/** The smallest UUIDv7 of this millisecond: every id taken at or after `millis` sorts at or above it. */
export function idAt(millis: number): string {
  const hex = Math.max(0, Math.floor(millis)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}
