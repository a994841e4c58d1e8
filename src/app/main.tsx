import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, BASE_URL } from './App.js';
import { enableOffline } from './offline.js';
import { loadBackendChoice } from './storage.js';
import { startEngineEarly } from './useEngine.js';
import './styles.css';

startEngineEarly(BASE_URL, loadBackendChoice());
enableOffline(BASE_URL);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
