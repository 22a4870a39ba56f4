// The shapes the DOM builder (dom.js) takes.

/** What h() and append() take as children: nodes, text, numbers, nested lists; null, undefined and false are skipped. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
/** An element's attributes; `on*` functions become listeners, `dataset` the data-* attributes. */
export type Attributes = { [name: string]: unknown; dataset?: Record<string, string> | undefined };
