/**
 * A tiny element builder. Text always goes in through textContent, never through HTML strings,
 * so span text from the user's files cannot inject markup, and nothing here sets a style
 * attribute that the panel's CSP would block (dynamic sizes go through element.style).
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly id?: string;
  readonly class?: string;
  readonly title?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, string>>;
  readonly onClick?: (ev: Event) => void;
  readonly disabled?: boolean;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    if (props.id !== undefined) el.id = props.id;
    if (props.class !== undefined) el.className = props.class;
    if (props.title !== undefined) el.title = props.title;
    for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
    for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
    if (props.onClick) {
      const onClick = props.onClick;
      el.addEventListener('click', (ev) => {
        ev.preventDefault();
        onClick(ev);
      });
    }
    if (props.disabled !== undefined && 'disabled' in el) (el as HTMLButtonElement).disabled = props.disabled;
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Parses an SVG string produced by chart.ts (markup we built and escaped ourselves). */
export function svgNode(markup: string): Node {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

/** A key cap shown on a button. */
export function kbd(text: string): HTMLElement {
  return h('kbd', null, text);
}
