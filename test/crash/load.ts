// The crash test's write load: workers registering servers with many tags, updating, decommissioning and
// purging them, changing groups, checking health now (probe transitions) and running bulk operations
// (operation progress), each worker on servers and groups of its own, until the process under it dies.

const FLEET = "/api/v1/fleet";
const WORKERS = 6;
const TAGS = Array.from({ length: 30 }, (_, i) => `tag-${i}`);
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const ENVIRONMENTS = ["production", "staging", "development"];
const STATUSES = ["active", "active", "maintenance", "inactive"];
/** A port nothing listens on: agents there are unreachable, which is a probe transition too. */
const NOWHERE = "http://127.0.0.1:9";
/** Beyond this many servers the load purges more than it registers. */
const FLEET_CEILING = 80;

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Agent {
  url: string;
  token: string;
}

interface Owned {
  servers: string[];
  groups: string[];
}

export class Load {
  private stopped = false;
  private answered = 0;
  /** Answers by status code, for the test's report. */
  readonly statuses: Record<number, number> = {};
  private waiting: Array<{ count: number; resolve: () => void }> = [];
  private serial = 0;
  private readonly workers: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly agents: Agent[],
    private readonly random: () => number,
    private readonly round: number,
  ) {}

  /** Every server (decommissioned ones apart) and the summary's counts, as the API gives them. */
  async listAndSummary() {
    const live = await this.all("");
    const decommissioned = await this.all("&status=decommissioned");
    const summary = (await this.send("GET", "/summary")).body as Record<string, unknown>;
    const tally = (field: (s: Listed) => string) =>
      live.reduce<Record<string, number>>((counts, s) => ({ ...counts, [field(s)]: (counts[field(s)] ?? 0) + 1 }), {});
    const byStatus = tally((s) => s.status);
    if (decommissioned.length > 0) byStatus.decommissioned = decommissioned.length;
    return {
      listed: {
        total_servers: live.length,
        by_status: byStatus,
        by_health: tally((s) => s.health_status),
        by_region: tally((s) => s.region ?? "unassigned"),
        by_environment: tally((s) => s.environment ?? "unassigned"),
      },
      summary: {
        total_servers: summary.total_servers,
        by_status: summary.by_status,
        by_health: summary.by_health,
        by_region: summary.by_region,
        by_environment: summary.by_environment,
      },
      ids: [...live, ...decommissioned].map((s) => s.id),
    };
  }

  /** Starts the workers on what the fleet holds now, shared out among them. */
  async begin(): Promise<void> {
    const { ids } = await this.listAndSummary();
    const groups = ((await this.send("GET", "/groups")).body as { items?: Array<{ id: string }> } | Array<{ id: string }>) ?? [];
    const groupIds = (Array.isArray(groups) ? groups : (groups.items ?? [])).map((g) => g.id);
    for (let w = 0; w < WORKERS; w++) {
      const owned: Owned = { servers: ids.filter((_, i) => i % WORKERS === w), groups: groupIds.filter((_, i) => i % WORKERS === w) };
      this.workers.push(this.work(w, owned));
    }
  }

  /** Resolves once `count` writes of this round have been answered with a 2xx. */
  answeredAtLeast(count: number): Promise<void> {
    if (this.answered >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }

  /** Stops the workers (their process is gone) and answers how many writes were answered with a 2xx. */
  async end(): Promise<number> {
    this.stopped = true;
    await Promise.all(this.workers);
    return this.answered;
  }

  private async work(worker: number, owned: Owned): Promise<void> {
    while (!this.stopped) {
      try {
        await this.step(worker, owned);
      } catch {
        // The process was killed under the request: expected, the round is over.
      }
    }
  }

  private async step(worker: number, owned: Owned): Promise<void> {
    const pick = <T>(list: T[]) => list[Math.floor(this.random() * list.length)]!;
    const server = owned.servers.length > 0 ? pick(owned.servers) : undefined;
    const roll = this.random();
    const crowded = owned.servers.length * WORKERS > FLEET_CEILING;
    if (!server || (!crowded && roll < 0.3)) {
      const agent = this.random() < 0.8 ? pick(this.agents) : { url: NOWHERE, token: "nowhere-token" };
      const name = `crash-${this.round}-${worker}-${++this.serial}`;
      const res = await this.write("POST", "/servers", {
        name,
        hostname: `${name}.example.com`,
        api_url: agent.url,
        api_token: agent.token,
        region: pick(REGIONS),
        environment: pick(ENVIRONMENTS),
        tags: this.tags(),
        metadata: { round: this.round },
      });
      if (res.status === 201) owned.servers.push((res.body as { id: string }).id);
    } else if (roll < 0.5) {
      const change = this.random();
      const body =
        change < 0.35
          ? { tags: this.tags() }
          : change < 0.55
            ? { region: pick(REGIONS), environment: pick(ENVIRONMENTS) }
            : change < 0.8
              ? { status: pick(STATUSES) }
              : { name: `renamed-${this.round}-${worker}-${++this.serial}` };
      await this.write("PATCH", `/servers/${server}`, body);
    } else if (roll < 0.57) {
      await this.write("DELETE", `/servers/${server}`);
    } else if (roll < (crowded ? 0.75 : 0.64)) {
      const res = await this.write("DELETE", `/servers/${server}?purge=true`);
      if (res.status < 300) owned.servers.splice(owned.servers.indexOf(server), 1);
    } else if (roll < 0.8) {
      await this.write("POST", `/servers/${server}/check`);
    } else if (roll < 0.93) {
      await this.groupChange(owned, server, pick);
    } else {
      const targets = [...new Set([server, pick(owned.servers), pick(owned.servers)])];
      await this.write("POST", "/operations", { operation_type: "run_health_check", server_ids: targets, max_concurrency: 2 });
    }
  }

  private async groupChange(owned: Owned, server: string, pick: <T>(list: T[]) => T): Promise<void> {
    const group = owned.groups.length > 0 ? pick(owned.groups) : undefined;
    const roll = this.random();
    if (!group || roll < 0.3) {
      const res = await this.write("POST", "/groups", {
        name: `group-${this.round}-${++this.serial}`,
        server_ids: [server, pick(owned.servers)],
      });
      if (res.status === 201) owned.groups.push((res.body as { id: string }).id);
    } else if (roll < 0.6) {
      await this.write("POST", `/groups/${group}/servers`, { server_ids: [server] });
    } else if (roll < 0.85) {
      await this.write("DELETE", `/groups/${group}/servers/${server}`);
    } else {
      const res = await this.write("DELETE", `/groups/${group}`);
      if (res.status < 300) owned.groups.splice(owned.groups.indexOf(group), 1);
    }
  }

  private tags(): string[] {
    return [...TAGS].sort(() => this.random() - 0.5).slice(0, 20);
  }

  private async write(method: string, path: string, body?: unknown) {
    const res = await this.send(method, path, body);
    if (res.status >= 500) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    this.statuses[res.status] = (this.statuses[res.status] ?? 0) + 1;
    if (res.status < 300) {
      this.answered++;
      this.waiting = this.waiting.filter((w) => (w.count <= this.answered ? (w.resolve(), false) : true));
    }
    return res;
  }

  private async all(filter: string): Promise<Listed[]> {
    const servers: Listed[] = [];
    let cursor: string | null = null;
    do {
      const page = (await this.send("GET", `/servers?limit=500${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).body as {
        items: Listed[];
        next_cursor: string | null;
      };
      servers.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return servers;
  }

  private async send(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(this.url + FLEET + path, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
}

interface Listed {
  id: string;
  status: string;
  health_status: string;
  region: string | null;
  environment: string | null;
}
