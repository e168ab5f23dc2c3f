/**
 * The help centre of Larkspur, a fictional card-and-payments company: the articles the support agent
 * retrieves, quotes and cites. Written for the demo; every fact here is invented.
 */
export interface Article {
  id: string;
  title: string;
  /** The intents this article answers, as labelled in `intents.ts`. */
  intents: string[];
  body: string;
}

export const ARTICLES: readonly Article[] = [
  {
    id: "kb-card-delivery-times",
    title: "When will my new card arrive?",
    intents: ["card_delivery"],
    body: "New Larkspur cards are posted the working day after you order them. A new card usually arrives within five working days in the UK and within eight working days elsewhere in Europe. You can follow the card in the app under Card, Track delivery. Cards come in a plain white envelope with no Larkspur logo, so check any post you did not expect.",
  },
  {
    id: "kb-card-not-arrived",
    title: "My card has not arrived",
    intents: ["card_delivery"],
    body: "If your card has not arrived after ten working days, we cancel it and send a replacement free of charge. Before that, check that the delivery address in the app is complete, including the flat number. A card that was never delivered cannot be used by anyone, because it has to be activated in your app first.",
  },
  {
    id: "kb-activating-your-card",
    title: "Activating your card",
    intents: ["card_activation"],
    body: "To activate your card, open the app, tap Card, then Activate, and enter the six-digit code printed on the letter that came with it. Your card works for online payments as soon as it is activated. The first payment in a shop must be a chip and PIN payment; contactless works after that.",
  },
  {
    id: "kb-lost-or-stolen-card",
    title: "Lost or stolen card",
    intents: ["card_lost_stolen"],
    body: "If your card is lost or stolen, freeze it straight away in the app under Card, Freeze. A frozen card cannot be used for new payments, but direct debits and transfers keep working. If you are sure the card is gone, order a replacement from the same screen; the replacement has a new card number. Tell us about any payment you do not recognise.",
  },
  {
    id: "kb-freezing-your-card",
    title: "Freezing and unfreezing your card",
    intents: ["card_lost_stolen", "unrecognised_payment"],
    body: "Freezing your card stops new card payments and cash withdrawals at once. Unfreezing it takes one tap and the card works again straight away, so freezing is safe when you are not sure where your card is. We freeze a card for you when you report it lost, stolen or used for a payment you do not recognise.",
  },
  {
    id: "kb-replacement-cards",
    title: "Ordering a replacement card",
    intents: ["card_lost_stolen", "fees"],
    body: "A replacement card for a lost, stolen or damaged card is free once a year on the Standard plan and always free on the Plus plan. Further replacements cost 5 EUR or 5 GBP. The replacement card arrives within five working days and has a new card number and the same PIN.",
  },
  {
    id: "kb-card-declined",
    title: "Why was my card declined?",
    intents: ["card_declined"],
    body: "A card payment is declined when the card is frozen, when the balance is too low, when the shop's terminal is offline, or when a spending limit you set in the app is reached. Check your balance and your limits under Card, Limits. If none of these explains the decline, the merchant may not accept prepaid cards.",
  },
  {
    id: "kb-online-payment-checks",
    title: "Online payments and the security check",
    intents: ["card_declined"],
    body: "Some online shops ask you to confirm a payment in the Larkspur app. The confirmation request appears as a notification and expires after five minutes. If you miss it, the online payment is declined and you can simply try again. Make sure notifications for the app are turned on.",
  },
  {
    id: "kb-pin-reset",
    title: "Forgotten your PIN?",
    intents: ["pin_reset"],
    body: "You can view your PIN in the app at any time under Card, Show PIN, after confirming with your face or passcode. We never send your PIN by email, text or post, and we never ask you for it. You can change your PIN at most cash machines in the UK and Europe.",
  },
  {
    id: "kb-pin-blocked",
    title: "PIN blocked after wrong attempts",
    intents: ["pin_reset"],
    body: "After three wrong PIN entries your PIN is blocked for chip and PIN payments. To unblock it, use the correct PIN at a cash machine and choose PIN services, Unblock. Contactless and online payments keep working while the PIN is blocked.",
  },
  {
    id: "kb-duplicate-charges",
    title: "I was charged twice",
    intents: ["duplicate_charge"],
    body: "When a shop charges you twice for the same purchase, we refund the duplicate charge to your Larkspur balance. Small duplicate charges are refunded straight away; larger ones are checked by our billing team first. Refunds of duplicate charges usually reach your balance within one working day.",
  },
  {
    id: "kb-pending-transactions",
    title: "Pending and completed payments",
    intents: ["duplicate_charge"],
    body: "A pending payment is money the shop has reserved but not yet taken. Hotels, petrol stations and car hire companies often reserve more than the final amount and release the difference within seven days. A pending payment that looks like a second charge usually disappears on its own within seven days.",
  },
  {
    id: "kb-merchant-refunds",
    title: "Waiting for a refund from a shop",
    intents: ["refund_missing"],
    body: "When a shop refunds you, the money usually reaches your Larkspur balance within five working days, and sometimes up to ten. If a refund has not arrived after ten working days, send us the shop's refund confirmation and we credit the amount while we claim it from the shop.",
  },
  {
    id: "kb-goods-not-received",
    title: "Paid but never received the goods",
    intents: ["refund_missing"],
    body: "If you paid by card and the goods never arrived, first ask the shop for a refund and keep their reply. If the shop does not answer within fourteen days, we can claim the money back from the shop for you. We credit the amount while the claim runs when the payment is on record.",
  },
  {
    id: "kb-unrecognised-payment",
    title: "A payment I don't recognise",
    intents: ["unrecognised_payment"],
    body: "If you see a payment you do not recognise, freeze your card in the app first. Many payments look unfamiliar because the shop trades under a different name, so check the merchant details in the payment. If the payment is not yours, we freeze the card, order you a new one and investigate the payment.",
  },
  {
    id: "kb-how-transfers-work",
    title: "How bank transfers work",
    intents: ["transfer_pending"],
    body: "Transfers to UK accounts in pounds arrive within two hours. Transfers in euros within the SEPA area usually arrive the next working day. A transfer you send after 4 pm or at the weekend is processed on the next working day.",
  },
  {
    id: "kb-transfer-delays",
    title: "My transfer is delayed",
    intents: ["transfer_pending"],
    body: "A transfer can be held for a security check, which usually takes up to one working day. We send you a notification if we need more information about a transfer. If the receiving bank rejects a transfer, the money returns to your balance within three working days.",
  },
  {
    id: "kb-topping-up",
    title: "Adding money to your account",
    intents: ["top_up"],
    body: "You can add money by bank transfer, by debit card, or with Apple Pay and Google Pay. Top-ups by debit card arrive at once; top-ups by bank transfer arrive within two hours. Top-ups by credit card are not possible.",
  },
  {
    id: "kb-top-up-failed",
    title: "My top-up failed",
    intents: ["top_up"],
    body: "A card top-up fails when your bank declines it, when the card is a credit card, or when the card's billing address does not match. A failed top-up is never taken from your bank account; if you see a pending amount, your bank releases it within five working days.",
  },
  {
    id: "kb-plans-and-fees",
    title: "Plans and fees",
    intents: ["fees"],
    body: "The Standard plan is free and includes one free replacement card a year. The Plus plan costs 4 EUR or 4 GBP a month and includes free replacement cards, free cash withdrawals up to 400 a month and no exchange fee at weekends. You can change plan in the app at any time; the new plan starts at once.",
  },
  {
    id: "kb-spending-abroad",
    title: "Paying by card abroad",
    intents: ["spending_abroad"],
    body: "You can pay with your Larkspur card in any country that accepts Mastercard. We convert the payment at the Mastercard exchange rate with no markup on weekdays. At weekends a 0.5 percent exchange fee applies on the Standard plan. Always choose to pay in the local currency when a terminal asks.",
  },
  {
    id: "kb-exchange-rates",
    title: "Exchange rates",
    intents: ["spending_abroad"],
    body: "The exchange rate shown in the app is the rate we use for card payments at that moment. The rate can move between a pending payment and the completed one, so the final amount can differ by a few cents. We never add a markup to the Mastercard rate on weekdays.",
  },
  {
    id: "kb-cash-withdrawals",
    title: "Cash withdrawals",
    intents: ["cash_withdrawal"],
    body: "Cash withdrawals are free up to 200 a month on the Standard plan and up to 400 a month on the Plus plan; above that a 2 percent fee applies. Some cash machine operators charge their own fee, which the machine shows before you confirm. If a machine did not give you the cash, the amount is usually returned within five working days.",
  },
  {
    id: "kb-changing-address",
    title: "Changing your address",
    intents: ["change_address"],
    body: "To change your address we first confirm your identity with a short check in the app: a photo of your ID and a selfie. Once the identity check passes, a member of our team updates the address, usually within one working day. We write to both the old and the new address to confirm the change.",
  },
  {
    id: "kb-changing-name",
    title: "Changing your name",
    intents: ["change_name"],
    body: "To change the name on your account, send us a photo of your new ID or of the document that shows the change, such as a marriage certificate or a deed poll. We confirm your identity with a short check in the app before a member of our team updates the name. Your new card with the new name arrives within five working days.",
  },
  {
    id: "kb-identity-checks",
    title: "Why we check your identity",
    intents: ["change_address", "change_name"],
    body: "We check your identity before we change personal details, because a changed address or email is often the first step of account takeover. The identity check takes about two minutes in the app and needs a valid ID and a selfie. We never ask for your PIN or passcode during an identity check.",
  },
  {
    id: "kb-closing-account",
    title: "Closing your account",
    intents: ["account_closure"],
    body: "You can close your account in the app under Profile, Close account. Move your balance to another bank account first; we cannot close an account that still holds money. Pending card payments must complete before the account closes, which can take up to seven days.",
  },
  {
    id: "kb-complaints",
    title: "How to make a complaint",
    intents: ["out_of_scope"],
    body: "If you are unhappy with our service, reply to any support email and say that you want to make a complaint. We acknowledge a complaint within one working day and send a final answer within fifteen working days. If you are not satisfied with our final answer, you can refer the complaint to the financial ombudsman.",
  },
  {
    id: "kb-statements",
    title: "Statements and account documents",
    intents: ["statements"],
    body: "You can download a monthly statement as a PDF in the app under Profile, Statements. Statements show every payment, top-up and transfer with its date and reference. For a bank reference letter or a proof of account, choose Documents on the same screen; the letter is ready at once.",
  },
  {
    id: "kb-mobile-wallets",
    title: "Apple Pay and Google Pay",
    intents: ["mobile_wallet"],
    body: "You can add your Larkspur card to Apple Pay or Google Pay from the Card screen in the app. If adding the card fails, check that the app and your phone are up to date and that the card is activated. Payments with your phone work even while your physical card is on its way.",
  },
  {
    id: "kb-security-tips",
    title: "Keeping your account safe",
    intents: ["unrecognised_payment"],
    body: "Larkspur will never call you to ask for your PIN, your passcode or a code from a text message. Never move money to a so-called safe account because someone on the phone told you to. If you think someone has access to your account, freeze your card and contact us in the app.",
  },
  {
    id: "kb-support-hours",
    title: "Contacting Larkspur support",
    intents: ["out_of_scope"],
    body: "Our support team answers in the app and by email every day from 8 am to 10 pm UK time. Lost and stolen cards can be frozen in the app at any hour. We usually answer emails within one working day.",
  },
];
