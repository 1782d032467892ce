import type { User } from '@linli/shared';
import { Select, Spin } from 'antd';
import { type CSSProperties, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebouncedValue } from '../app/useDebouncedValue';
import { useUserSearch } from './users.api';

interface UserSelectProps {
  value?: string | null;
  onChange?: (userId: string | undefined) => void;
  /** Only people whose home or roles are in this area. */
  areaId?: string;
  /** Narrows the server's answer further, e.g. to people holding a given role. */
  accept?: (user: User) => boolean;
  placeholder?: string;
  allowClear?: boolean;
  style?: CSSProperties;
  'data-testid'?: string;
}

export function userLabel(user: Pick<User, 'name' | 'username'>): string {
  return `${user.name}（${user.username}）`;
}

/** Search people by name, username or phone as you type; remembers the chosen person's name. */
export function UserSelect({
  value,
  onChange,
  areaId,
  accept,
  placeholder,
  allowClear,
  style,
  ...rest
}: UserSelectProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim());
  const result = useUserSearch({ q: q || undefined, areaId });
  const [chosen, setChosen] = useState<User | null>(null);

  const options = useMemo(() => {
    const users = (result.data?.items ?? []).filter((user) => !accept || accept(user));
    if (chosen && chosen.id === value && !users.some((user) => user.id === chosen.id)) users.unshift(chosen);
    return users.map((user) => ({ value: user.id, label: userLabel(user), user }));
  }, [result.data, accept, chosen, value]);

  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value ?? undefined}
      onChange={(userId: string | undefined, option) => {
        const picked = option && !Array.isArray(option) ? option.user : null;
        setChosen(picked ?? null);
        setSearch('');
        onChange?.(userId);
      }}
      options={options}
      placeholder={placeholder ?? t('users.searchPlaceholder')}
      allowClear={allowClear}
      style={style}
      notFoundContent={result.isFetching ? <Spin size="small" /> : t('common.noMatches')}
      data-testid={rest['data-testid']}
    />
  );
}
