import dayjs from 'dayjs';

/** Staff work in China: times are shown in Beijing time whatever the browser's zone. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).tz(DISPLAY_TIME_ZONE).format('YYYY-MM-DD HH:mm:ss') : '';
}

export function formatDateTimeShort(iso: string | null | undefined): string {
  return iso ? dayjs(iso).tz(DISPLAY_TIME_ZONE).format('YYYY-MM-DD HH:mm') : '';
}
