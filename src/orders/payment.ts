import type { PaymentType } from './normalized-order.ts';
import { statusKey } from './status.ts';

/** Provider payment words → the internal payment type; a word not listed is `unknown`. */
const paymentTypes: Readonly<Record<string, PaymentType>> = {
  cash: 'cash',
  cash_on_delivery: 'cash',
  cod: 'cash',
  card: 'card',
  credit_card: 'card',
  creditcard: 'card',
  debit_card: 'card',
  debitcard: 'card',
  card_on_delivery: 'card',
  online: 'online',
  prepaid: 'online',
  paid: 'online',
  wallet: 'online',
  careem_pay: 'online',
  paypal: 'online',
  apple_pay: 'online',
  applepay: 'online',
};

export function mapPaymentType(raw: string | null): PaymentType {
  return raw === null ? 'unknown' : (paymentTypes[statusKey(raw)] ?? 'unknown');
}
