import { loadDataset, modelsBaseUrl } from './datasets.js';
import { startEngineEarly } from './engine/spawn-early.js';
import { enableOffline } from './offline.js';
import { loadBackendChoice } from './storage.js';

// The entry is kept tiny: the research page's scoring worker starts (and starts downloading)
// before the React bundle is fetched; the storefront starts its own through the library.
if (!location.hash.startsWith('#/shop')) startEngineEarly(modelsBaseUrl(loadDataset()), loadBackendChoice(), loadDataset());
// Offline after the first visit: the chosen dataset's artifacts are cached by their hashes.
enableOffline(modelsBaseUrl(loadDataset()));
void import('./render.js');
