import type { Me, Permission } from '@linli/shared';
import { createContext, type ReactNode, useContext } from 'react';

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext value={me}>{children}</SessionContext>;
}

/** The signed-in user; only usable under the app layout, which does not render before `me` is known. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession() outside SessionProvider');
  return me;
}

export function usePermission(permission: Permission): boolean {
  return useSession().permissions.includes(permission);
}
