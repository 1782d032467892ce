import { createRoot } from 'react-dom/client';
import { App } from './App';
import './publicForm.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
