// DOM side of spanInView.ts (kept apart so the arithmetic is tested in plain Node).
import { scrollTopFor } from './spanInView';

/** Scrolls every context box under `root` so that its marked span is in view. */
export function keepSpansInView(root: ParentNode): void {
  for (const mark of Array.from(root.querySelectorAll<HTMLElement>('.context > .span-text'))) {
    const box = mark.parentElement;
    if (box === null || box.scrollHeight <= box.clientHeight) continue;
    const top = mark.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    box.scrollTop = scrollTopFor({ height: box.clientHeight, contentHeight: box.scrollHeight }, { top, height: mark.getBoundingClientRect().height });
  }
}
