// Component check that an HTTP URL answers with the expected status (e.g. the application's own health page).
import type { ComponentCheck } from "./component-check.js";

export function httpCheck(name: string, url: string, expectStatus: number, critical: boolean): ComponentCheck {
  return {
    name,
    critical,
    async run(signal) {
      try {
        const response = await fetch(url, { signal, redirect: "manual" });
        await response.body?.cancel();
        return response.status === expectStatus
          ? { healthy: true, details: { status_code: response.status } }
          : { healthy: false, error: `status ${response.status}, expected ${expectStatus}`, details: { status_code: response.status } };
      } catch (error) {
        return { healthy: false, error: signal.aborted ? "timed out" : (error as Error).message };
      }
    },
  };
}
