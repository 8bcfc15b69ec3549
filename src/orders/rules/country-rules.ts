/**
 * What differs per country, as data: adding a country is adding a record here (docs/orders.md).
 */

export interface PhoneRules {
  /** Country calling code without `+` (Jordan `962`). */
  callingCode: string;
  /** Dialled before the national number at home (`0` in `079…`). */
  trunkPrefix: string;
  /** Dialled before the calling code from abroad (`00` in `00962…`). */
  internationalPrefix: string;
  /** Accepted national significant numbers (after the calling code). */
  nationalNumber: RegExp;
  /** Shown in reasons: what an accepted number looks like. */
  example: string;
}

/** A coarse rectangle around the country: catches swapped or foreign coordinates, not borders. */
export interface BoundingBox {
  minLatitude: number;
  maxLatitude: number;
  minLongitude: number;
  maxLongitude: number;
}

export interface CountryRules {
  code: string;
  name: string;
  currency: string;
  currencyDecimals: number;
  /** Largest difference accepted between a stated and a computed amount. */
  tolerance: string;
  phone: PhoneRules;
  bounds: BoundingBox;
}

export const countries = {
  JO: {
    code: 'JO',
    name: 'Jordan',
    currency: 'JOD',
    // 1 dinar = 1000 fils.
    currencyDecimals: 3,
    tolerance: '0.001',
    phone: {
      callingCode: '962',
      trunkPrefix: '0',
      internationalPrefix: '00',
      // Mobile numbers: 77, 78, 79 then 7 digits (landlines and other ranges are not customers' phones).
      nationalNumber: /^7[789]\d{7}$/,
      example: '+962791234567',
    },
    // Jordan spans about 29.19–33.37 N and 34.96–39.30 E; a little margin on each side.
    bounds: { minLatitude: 29.1, maxLatitude: 33.4, minLongitude: 34.8, maxLongitude: 39.35 },
  },
} as const satisfies Record<string, CountryRules>;

export type CountryCode = keyof typeof countries;
