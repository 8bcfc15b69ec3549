import type { BoundingBox } from './country-rules.ts';

function inside(latitude: number, longitude: number, box: BoundingBox): boolean {
  return (
    latitude >= box.minLatitude &&
    latitude <= box.maxLatitude &&
    longitude >= box.minLongitude &&
    longitude <= box.maxLongitude
  );
}

/** Why a point is not in the country's box (with a hint when lat/lng look swapped), or null. */
export function coordinatesProblem(
  latitude: number,
  longitude: number,
  box: BoundingBox,
  countryName: string,
): string | null {
  if (inside(latitude, longitude, box)) return null;
  const hint = inside(longitude, latitude, box) ? ' (latitude and longitude swapped?)' : '';
  return `(${latitude}, ${longitude}) is outside ${countryName}${hint}`;
}
