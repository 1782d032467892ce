import { createRoot } from 'react-dom/client';
import { App } from './App';
import './publicForm.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);

// Lets the phone reopen this page without a network (public/form-sw.js). Browsers allow a service worker
// on https and on localhost only; elsewhere the page works as before, without offline reopening.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/form-sw.js', { scope: '/f/' }).catch(() => undefined);
  });
}
