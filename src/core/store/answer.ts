/**
 * What an annotator said about a span: its label applies (`accept`, with the label or label set),
 * it does not (`reject`), or no decision (`ignore`, skipped). A label-store value: the host ↔ panel
 * contract takes it from here, never the reverse.
 */
export type Answer = 'accept' | 'reject' | 'ignore';
