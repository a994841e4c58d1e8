import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadDataset, modelsBaseUrl } from './datasets.js';
import { enableOffline } from './offline.js';
import { Root } from './Root.js';
import { loadBackendChoice } from './storage.js';
import { startEngineEarly } from './useEngine.js';
import './styles.css';

// The research page's worker starts before React renders; the storefront starts its own
// through the library.
if (!location.hash.startsWith('#/shop')) startEngineEarly(modelsBaseUrl(loadDataset()), loadBackendChoice());
// Offline after the first visit: the chosen dataset's artifacts are cached by their hashes.
enableOffline(modelsBaseUrl(loadDataset()));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
