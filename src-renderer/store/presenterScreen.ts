/**
 * Presenter mode's full screen (issue 16), kept in step with the mode both ways: entering presenter
 * mode asks for full screen, leaving it leaves the full screen it made, and leaving full screen
 * (Esc, the window's own control) leaves presenter mode. A full screen the person made themselves
 * (F11) is theirs: presenter mode neither ends it nor ends with it.
 */

/** The slice of `document` the Fullscreen API gives (https://fullscreen.spec.whatwg.org/). */
export interface FullscreenDoc {
  readonly fullscreenElement: Element | null;
  readonly fullscreenEnabled: boolean;
  readonly documentElement: { requestFullscreen?: () => Promise<void> };
  exitFullscreen?: () => Promise<void>;
  addEventListener(type: 'fullscreenchange', listener: () => void): void;
  removeEventListener(type: 'fullscreenchange', listener: () => void): void;
}

export class PresenterScreen {
  /** Whether the full screen now showing is presenter mode's. */
  #ours = false;
  #wanted = false;

  constructor(private readonly doc: FullscreenDoc) {}

  /**
   * Ask for full screen. The Fullscreen API needs a user gesture (transient activation), so this
   * runs inside the button's click or the P key's handler; refused or unavailable, presenter mode
   * still works, in the window as it is.
   */
  async enter(): Promise<boolean> {
    this.#wanted = true;
    const { doc } = this;
    if (doc.fullscreenElement || !doc.fullscreenEnabled || !doc.documentElement.requestFullscreen) return false;
    try {
      await doc.documentElement.requestFullscreen();
    } catch {
      return false;
    }
    this.#ours = true;
    // Left presenter mode while the request was pending: give the screen back at once.
    if (!this.#wanted) this.leave();
    return true;
  }

  /** Leave the full screen presenter mode made (never one the person made). */
  leave(): void {
    this.#wanted = false;
    if (!this.#ours) return;
    this.#ours = false;
    if (this.doc.fullscreenElement && this.doc.exitFullscreen) void this.doc.exitFullscreen().catch(() => {});
  }

  /** Call `onLeft` when the person leaves presenter mode's full screen by other means (Esc). */
  watch(onLeft: () => void): () => void {
    const onChange = () => {
      if (this.doc.fullscreenElement || !this.#ours) return;
      this.#ours = false;
      if (this.#wanted) onLeft();
    };
    this.doc.addEventListener('fullscreenchange', onChange);
    return () => this.doc.removeEventListener('fullscreenchange', onChange);
  }
}

/** The window's (none outside a browser, e.g. under unit tests of what imports it). */
const NO_FULLSCREEN: FullscreenDoc = {
  fullscreenElement: null, fullscreenEnabled: false, documentElement: {}, addEventListener() {}, removeEventListener() {},
};
export const presenterScreen = new PresenterScreen(typeof document === 'undefined' ? NO_FULLSCREEN : document);
