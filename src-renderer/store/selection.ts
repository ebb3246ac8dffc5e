import { get, set, type RightTab } from './studio';

/** What the person selects and opens: an exchange in the inspector, a step to review, a mail, a page in their browser. */
export function selectExchange(id: string | null) {
  set({ selectedExchangeId: id, ...(id ? { rightTab: 'inspector' as RightTab } : {}) });
}

export function reviewStep(index: number | null) {
  set({ reviewStep: index });
}

export const setRightTab = (rightTab: RightTab) => set({ rightTab });

export function openMail(id: string | null) {
  set({
    openMailId: id,
    ...(id ? { progress: { ...get().progress, mailOpened: true }, unreadMailIds: get().unreadMailIds.filter((m) => m !== id) } : {}),
  });
}

export function openInBrowser(url: string) {
  set({ browser: { url, nonce: get().browser.nonce + 1 }, progress: { ...get().progress, mailOpened: true, linkOpened: true } });
}
