/**
 * What the agent says for each intent, sentence by sentence, in the words of the help article that
 * answers it, so that a reply built for the right intent is grounded in the articles retrieved for the
 * ticket, and a reply built for the wrong one is not. Slots: {first}, {merchant}, {amount}, {currency},
 * {last4}, {field}, {newValue}, {cardRef}.
 */
export const ANSWERS: Readonly<Record<string, readonly string[]>> = {
  card_delivery: [
    "We post new cards the working day after you order them, and a new card usually arrives within five working days in the UK and within eight working days elsewhere in Europe.",
    "You can follow {cardRef} in the app under Card, Track delivery.",
    "If the card has not arrived after ten working days, we cancel it and send a replacement free of charge.",
  ],
  card_activation: [
    "To activate your card, open the app, tap Card, then Activate, and enter the six-digit code printed on the letter that came with it.",
    "Your card works for online payments as soon as it is activated.",
    "The first payment in a shop must be a chip and PIN payment; contactless works after that.",
  ],
  card_lost_stolen: [
    "We have frozen {cardRef}, so it cannot be used for new payments, while direct debits and transfers keep working.",
    "If you are sure the card is gone, order a replacement in the app under Card, Freeze; the replacement has a new card number.",
    "If you find the card again, unfreezing it takes one tap and the card works again straight away.",
  ],
  card_declined: [
    "A card payment is declined when the card is frozen, when the balance is too low, when the shop's terminal is offline, or when a spending limit you set in the app is reached.",
    "Please check your balance and your limits under Card, Limits for {cardRef}.",
    "Some online shops ask you to confirm a payment in the Larkspur app, and if you miss the notification the online payment is declined and you can simply try again.",
  ],
  pin_reset: [
    "You can view your PIN in the app at any time under Card, Show PIN, after confirming with your face or passcode.",
    "We never send your PIN by email, text or post, and we never ask you for it.",
    "After three wrong PIN entries the PIN is blocked for chip and PIN payments; use the correct PIN at a cash machine and choose PIN services, Unblock.",
  ],
  duplicate_charge: [
    "When a shop charges you twice for the same purchase, we refund the duplicate charge to your Larkspur balance.",
    "A pending payment that looks like a second charge usually disappears on its own within seven days.",
  ],
  refund_missing: [
    "When a shop refunds you, the money usually reaches your Larkspur balance within five working days, and sometimes up to ten.",
    "If a refund has not arrived after ten working days, we credit the amount while we claim it from the shop.",
  ],
  unrecognised_payment: [
    "We have frozen {cardRef} so no new card payments can go through while we look into the payment.",
    "Many payments look unfamiliar because the shop trades under a different name, so please check the merchant details in the payment.",
    "If the payment is not yours, we order you a new card and investigate the payment.",
  ],
  transfer_pending: [
    "Transfers to UK accounts in pounds arrive within two hours, and transfers in euros within the SEPA area usually arrive the next working day.",
    "A transfer you send after 4 pm or at the weekend is processed on the next working day.",
    "A transfer can be held for a security check, which usually takes up to one working day, and we send you a notification if we need more information.",
  ],
  top_up: [
    "You can add money by bank transfer, by debit card, or with Apple Pay and Google Pay.",
    "Top-ups by debit card arrive at once; top-ups by bank transfer arrive within two hours; top-ups by credit card are not possible.",
    "A failed top-up is never taken from your bank account, and if you see a pending amount your bank releases it within five working days.",
  ],
  fees: [
    "The Standard plan is free and includes one free replacement card a year.",
    "The Plus plan costs 4 EUR or 4 GBP a month and includes free replacement cards, free cash withdrawals up to 400 a month and no exchange fee at weekends.",
    "You can change plan in the app at any time, and the new plan starts at once.",
  ],
  spending_abroad: [
    "You can pay with your Larkspur card in any country that accepts Mastercard, and we convert the payment at the Mastercard exchange rate with no markup on weekdays.",
    "At weekends a 0.5 percent exchange fee applies on the Standard plan.",
    "When a terminal asks, always choose to pay in the local currency.",
  ],
  cash_withdrawal: [
    "Cash withdrawals are free up to 200 a month on the Standard plan and up to 400 a month on the Plus plan; above that a 2 percent fee applies.",
    "Some cash machine operators charge their own fee, which the machine shows before you confirm.",
    "If a machine did not give you the cash, the amount is usually returned within five working days.",
  ],
  change_address: [
    "To change your address we first confirm your identity with a short check in the app: a photo of your ID and a selfie.",
    "Once the identity check passes, a member of our team updates the address, usually within one working day.",
  ],
  change_name: [
    "To change the name on your account, we confirm your identity with a short check in the app before a member of our team updates the name.",
    "Your new card with the new name arrives within five working days.",
  ],
  account_closure: [
    "You can close your account in the app under Profile, Close account.",
    "Move your balance to another bank account first; we cannot close an account that still holds money.",
    "Pending card payments must complete before the account closes, which can take up to seven days.",
  ],
  statements: [
    "You can download a monthly statement as a PDF in the app under Profile, Statements.",
    "For a bank reference letter or a proof of account, choose Documents on the same screen; the letter is ready at once.",
  ],
  mobile_wallet: [
    "You can add your Larkspur card to Apple Pay or Google Pay from the Card screen in the app.",
    "If adding the card fails, check that the app and your phone are up to date and that the card is activated.",
    "Payments with your phone work even while your physical card is on its way.",
  ],
  out_of_scope: [
    "I have passed your question to a colleague who can answer it properly.",
    "Our support team answers in the app and by email every day from 8 am to 10 pm UK time.",
  ],
};

/** Replies sent after an action the ticket asked for was carried out, per action type. */
export const DONE: Readonly<Record<string, readonly string[]>> = {
  "billing.refund": [
    "We have refunded {amount} {currency} for the payment at {merchant} to your Larkspur balance.",
    "Refunds usually reach your balance within one working day.",
  ],
  "card.freeze": [
    "We have frozen your card ending {last4}, so it cannot be used for new payments, while direct debits and transfers keep working.",
    "If you are sure the card is gone, order a replacement in the app under Card, Freeze; the replacement has a new card number.",
  ],
  "account.update_details": [
    "Your identity check passed and a member of our team has updated the {field} on your account to {newValue}.",
    "We write to both the old and the new address to confirm the change.",
  ],
};

/** Replies sent when the action was not carried out (rejected, blocked or expired). */
export const NOT_DONE: Readonly<Record<string, readonly string[]>> = {
  "billing.refund": [
    "Our billing team has looked at the payment of {amount} {currency} at {merchant} and could not refund it this time.",
    "A colleague will write to you with the reasons and what you can do next.",
  ],
  "card.freeze": [
    "Your card ending {last4} stays active for now, and a colleague will contact you about it.",
  ],
  "account.update_details": [
    "We could not change the {field} on your account yet, because the identity check was not completed.",
    "The identity check takes about two minutes in the app and needs a valid ID and a selfie.",
  ],
};
