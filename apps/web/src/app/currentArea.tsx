import type { AreaKind } from '@linli/shared';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { useSession } from '../auth/session';

export interface GrantArea {
  id: string;
  name: string;
  kind: AreaKind;
}

interface CurrentAreaValue {
  /** The areas the user holds a role in (directly or by delegation), in grant order. */
  areas: GrantArea[];
  current: GrantArea | null;
  setCurrentId: (areaId: string) => void;
}

const STORAGE_KEY = 'linli.area';
const CurrentAreaContext = createContext<CurrentAreaValue | null>(null);

function readStoredId(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function CurrentAreaProvider({ children }: { children: ReactNode }) {
  const me = useSession();
  const [storedId, setStoredId] = useState(readStoredId);

  const areas = useMemo(() => {
    const byId = new Map<string, GrantArea>();
    for (const grant of me.grants) {
      if (!byId.has(grant.areaId))
        byId.set(grant.areaId, { id: grant.areaId, name: grant.areaName, kind: grant.areaKind });
    }
    return [...byId.values()];
  }, [me.grants]);

  const value = useMemo<CurrentAreaValue>(() => {
    const current = areas.find((area) => area.id === storedId) ?? areas[0] ?? null;
    const setCurrentId = (areaId: string) => {
      setStoredId(areaId);
      try {
        localStorage.setItem(STORAGE_KEY, areaId);
      } catch {
        // Without storage the choice lasts for this page only.
      }
    };
    return { areas, current, setCurrentId };
  }, [areas, storedId]);

  return <CurrentAreaContext value={value}>{children}</CurrentAreaContext>;
}

export function useCurrentArea(): CurrentAreaValue {
  const value = useContext(CurrentAreaContext);
  if (!value) throw new Error('useCurrentArea() outside CurrentAreaProvider');
  return value;
}
