import '../i18n/i18n';
import './global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { AppProviders } from './AppProviders';
import { createQueryClient } from './queryClient';
import { router } from './router';

const queryClient = createQueryClient((problem) => {
  const { pathname, search } = router.state.location;
  if (problem === 'unauthenticated') {
    if (pathname === '/login') return;
    queryClient.removeQueries({ queryKey: ['me'] });
    void router.navigate('/login', { replace: true, state: { from: pathname + search } });
  } else if (pathname !== '/account/password') {
    void router.navigate('/account/password', { replace: true });
  }
});

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  </StrictMode>,
);
