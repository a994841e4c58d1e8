import { useCallback, useEffect, useState } from 'react';
import type { ItemId } from 'llmseqrec';

/**
 * The visitor's session (what they viewed and added, in order) and cart, per dataset, in
 * localStorage only: they survive a reload and never leave the device.
 */
const key = (dataset: string, what: 'session' | 'cart') => `llmseqrec:shop:${dataset}:${what}`;

function load(k: string): ItemId[] {
  try {
    const raw = JSON.parse(localStorage.getItem(k) ?? '[]') as unknown;
    return Array.isArray(raw) ? raw.filter((x): x is number => Number.isInteger(x)) : [];
  } catch {
    return [];
  }
}

function save(k: string, ids: readonly ItemId[]): void {
  try {
    localStorage.setItem(k, JSON.stringify(ids));
  } catch {
    // storage full or disabled: the shop still works, without surviving a reload
  }
}

/** Sessions are cut to their most recent items, as the models read them. */
const MAX_SESSION = 20;

export function useShopState(dataset: string) {
  const [session, setSession] = useState<ItemId[]>(() => load(key(dataset, 'session')));
  const [cart, setCart] = useState<ItemId[]>(() => load(key(dataset, 'cart')));
  useEffect(() => {
    setSession(load(key(dataset, 'session')));
    setCart(load(key(dataset, 'cart')));
  }, [dataset]);
  useEffect(() => save(key(dataset, 'session'), session), [dataset, session]);
  useEffect(() => save(key(dataset, 'cart'), cart), [dataset, cart]);

  /** Viewing or adding an item appends it to the session (moved to the end if seen before). */
  const touch = useCallback((id: ItemId) => setSession((s) => (s[s.length - 1] === id ? s : [...s.filter((x) => x !== id), id].slice(-MAX_SESSION))), []);
  const addToCart = useCallback(
    (id: ItemId) => {
      touch(id);
      setCart((c) => (c.includes(id) ? c : [...c, id]));
    },
    [touch],
  );
  const removeFromCart = useCallback((id: ItemId) => setCart((c) => c.filter((x) => x !== id)), []);
  const clear = useCallback(() => {
    setSession([]);
    setCart([]);
  }, []);
  return { session, cart, touch, addToCart, removeFromCart, clear };
}
