import { describe, expect, it } from 'vitest';
import { agentBadge } from '../../src-renderer/components/agentStatus.js';

describe("the agent pane's badge", () => {
  it('says Playing between two steps of Play, and Paused only when the person paused', () => {
    expect(agentBadge({ status: 'paused', playing: true })).toBe('Playing');
    expect(agentBadge({ status: 'paused', playing: false })).toBe('Paused');
    expect(agentBadge({ status: 'waiting', playing: true })).toBe('Waiting for you');
    expect(agentBadge({ status: 'succeeded', playing: false })).toBe('Succeeded');
  });
});
