import { useEffect, useState } from 'react';

/** The shop's pages as hash routes: #/shop, #/shop/item/<id>, #/shop/cart. */
export type ShopRoute = { readonly page: 'grid' } | { readonly page: 'item'; readonly id: number } | { readonly page: 'cart' };

export function parseRoute(hash: string): ShopRoute {
  const item = /^#\/shop\/item\/(-?\d+)$/.exec(hash);
  if (item) return { page: 'item', id: Number(item[1]) };
  if (hash === '#/shop/cart') return { page: 'cart' };
  return { page: 'grid' };
}

export function hrefOf(route: ShopRoute): string {
  return route.page === 'item' ? `#/shop/item/${route.id}` : route.page === 'cart' ? '#/shop/cart' : '#/shop';
}

export function useRoute(): ShopRoute {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => {
      setRoute(parseRoute(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
