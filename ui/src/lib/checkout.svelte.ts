// The order being put together for a customer. It outlives the screens, so
// the associate can go back to the catalogue and add more; the lines (not
// the customer's details) are kept on this device across restarts.
import { searchCustomers } from "./api";
import type { CustomerView, OrderView, PaymentMethod } from "./bindings";
import {
  cartReducer,
  draftFromOrder,
  itemsFromOrder,
  parseCart,
  type CartAction,
  type CartItem,
  type FulfilmentDraft,
} from "./cart";

export const CART_STORAGE_KEY = "vitrina.cart";

export interface Checkout {
  items: CartItem[];
  customer: CustomerView | null;
  draft: FulfilmentDraft;
  method: PaymentMethod;
  reference: string;
  /** Other sources the central suggested when it rejected an earlier try. */
  hint: string[];
}

function storedItems(): CartItem[] {
  try {
    return parseCart(globalThis.localStorage?.getItem(CART_STORAGE_KEY) ?? null);
  } catch {
    return [];
  }
}

function saveItems(items: CartItem[]): void {
  try {
    if (items.length) globalThis.localStorage?.setItem(CART_STORAGE_KEY, JSON.stringify(items));
    else globalThis.localStorage?.removeItem(CART_STORAGE_KEY);
  } catch {
    // not kept across restarts; still usable now
  }
}

const emptyDraft = (): FulfilmentDraft => ({ mode: null, address: "", storeId: "" });

export const checkout = $state<Checkout>({
  items: storedItems(),
  customer: null,
  draft: emptyDraft(),
  method: "at_till",
  reference: "",
  hint: [],
});

export function updateCart(action: CartAction): void {
  checkout.items = cartReducer(checkout.items, action);
  saveItems(checkout.items);
}

/** Starts over after an order was placed. */
export function resetCheckout(): void {
  checkout.items = [];
  checkout.customer = null;
  checkout.draft = emptyDraft();
  checkout.method = "at_till";
  checkout.reference = "";
  checkout.hint = [];
  saveItems([]);
}

/** Puts a rejected order's lines, customer and delivery back in the cart. */
export function retryOrder(order: OrderView, suggested: string[]): void {
  checkout.items = itemsFromOrder(order);
  checkout.customer = order.customer_id
    ? {
        id: order.customer_id,
        name: order.customer_name ?? "",
        phone: null,
        email: null,
        marketing_consent: false,
        chain_consent: false,
        pending: false,
      }
    : null;
  checkout.draft = draftFromOrder(order.fulfilment);
  checkout.method = order.payment.method;
  checkout.reference = order.payment.reference ?? "";
  checkout.hint = suggested;
  saveItems(checkout.items);
  // The order knows only the customer's id and name: fetch the contact details.
  const id = order.customer_id;
  if (id && order.customer_name) {
    searchCustomers(order.customer_name).then(
      (found) => {
        const full = found.find((c) => c.id === id);
        if (full && checkout.customer?.id === id) checkout.customer = full;
      },
      () => undefined,
    );
  }
}
