/**
 * The datasets the app can show, each served from public/models/<name>/. Only the chosen
 * one's artifacts are downloaded; the choice is kept in localStorage.
 */
export interface DatasetChoice {
  readonly name: string;
  readonly label: string;
}

export const DATASETS: readonly DatasetChoice[] = [
  { name: 'beauty', label: 'Amazon Beauty' },
  { name: 'games', label: 'Amazon Video Games' },
];

const KEY = 'llmseqrec:dataset';

export function modelsBaseUrl(dataset: string): string {
  return `${import.meta.env.BASE_URL}models/${dataset}/`;
}

/** `?dataset=` in the URL wins over the saved choice. */
export function loadDataset(): string {
  const fromUrl = new URLSearchParams(location.search).get('dataset');
  const saved = fromUrl ?? localStorage.getItem(KEY);
  return DATASETS.some((d) => d.name === saved) ? saved! : DATASETS[0].name;
}

export function saveDataset(name: string): void {
  try {
    localStorage.setItem(KEY, name);
  } catch {
    // storage disabled: the choice lasts until the page is closed
  }
}
