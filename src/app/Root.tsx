import { useEffect, useState } from 'react';
import { Shop } from '../shop/Shop.js';
import { App } from './App.js';
import { DATASETS, loadDataset, modelsBaseUrl, saveDataset } from './datasets.js';

const isShop = (hash: string) => hash === '#/shop' || hash.startsWith('#/shop/');

/** Two pages: the research comparison (#/, default) and the storefront (#/shop...). */
export function Root() {
  const [shop, setShop] = useState(() => isShop(location.hash));
  const [dataset, setDataset] = useState(loadDataset);
  useEffect(() => {
    const on = () => setShop(isShop(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const choose = (name: string) => {
    saveDataset(name);
    setDataset(name);
  };
  if (shop) {
    return <Shop datasets={DATASETS.map((d) => ({ ...d, baseUrl: modelsBaseUrl(d.name) }))} dataset={dataset} onDataset={choose} researchHref="#/" />;
  }
  return <App key={dataset} dataset={dataset} datasets={DATASETS} onDataset={choose} />;
}
