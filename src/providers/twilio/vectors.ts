/**
 * Official Twilio vectors, from twilio-node `spec/validation.spec.js` (also quoted in the
 * reference §2.7 / §4). The form vector signs the URL plus the sorted params; the JSON vector
 * signs the URL with `bodySHA256` and no params.
 */
export const twilioVectors = {
  form: {
    authToken: '12345',
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    params: {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    },
    signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
  },
  json: {
    authToken: '12345',
    body: '{"property": "value", "boolean": true}',
    bodySHA256: '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
    signature: 'a9nBmqA0ju/hNViExpshrM61xv4=',
  },
} as const;
