/** Official vector from square-nodejs-sdk `tests/integration/webhooks.test.ts` (reference §2.8). */
export const squareVectors = [
  {
    signatureKey: 'Ibxx_5AKakO-3qeNVR61Dw',
    notificationUrl: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9',
    body: '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
    signature: 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
  },
] as const;
