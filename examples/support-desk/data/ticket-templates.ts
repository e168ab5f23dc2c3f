/**
 * Hand-written ticket templates, per intent. `tickets.ts` fills their slots ({first}, {merchant},
 * {amount}, …) from the lists in `ticket-slots.ts` with a seeded PRNG and adds openings, sign-offs and,
 * for some tickets, anger, a legal threat, a regulator or a pasted card number.
 */
export interface TicketTemplate {
  subject: string;
  text: string;
}

export const TICKET_TEMPLATES: Readonly<Record<string, readonly TicketTemplate[]>> = {
  card_delivery: [
    {
      subject: "Card not here yet",
      text: "I ordered my card {days} days ago and it still hasn't come. Is there a way to see where it is?",
    },
    {
      subject: "Where is my card?",
      text: "My new card was supposed to arrive last week. I live in {city}, how long does delivery normally take there?",
    },
    {
      subject: "Still waiting for the card",
      text: "It's been almost two weeks and no card in the post. I checked with my neighbours too. Can you send another one?",
    },
    {
      subject: "New card delivery",
      text: "Just opened my account. When should I expect the physical card? I'd like to use it on holiday on the {date}.",
    },
    {
      subject: "card delivery??",
      text: "no card yet. ordered {days} days ago. the app says dispatched but nothing arrived",
    },
    {
      subject: "Replacement card not delivered",
      text: "You told me my replacement card was posted but I never got it. Could someone have taken it from my letterbox?",
    },
  ],
  card_activation: [
    {
      subject: "How do I activate the card",
      text: "My card arrived today. What do I need to do before I can use it in shops?",
    },
    {
      subject: "Activation code",
      text: "The app wants a code to activate my card but I threw the letter away. Where else can I find it?",
    },
    {
      subject: "Contactless not working",
      text: "I activated my new card yesterday but contactless keeps failing at the supermarket. Is it broken?",
    },
    {
      subject: "Card activated?",
      text: "I think I activated my card but I'm not sure it worked. Can I use it online straight away?",
    },
  ],
  card_lost_stolen: [
    {
      subject: "Lost my card",
      text: "I think I lost my card last night somewhere in {city}. Please block it before anyone uses it.",
    },
    {
      subject: "Card stolen",
      text: "My bag was stolen this morning with my Larkspur card in it. What do I do now?",
    },
    {
      subject: "Can't find my card",
      text: "I can't find my card anywhere, I had it at {merchant} on {date}. Can you stop it and send me a new one?",
    },
    {
      subject: "Wallet stolen on the train",
      text: "Someone took my wallet on the train. My Larkspur card was inside. I need it cancelled right now.",
    },
    {
      subject: "Left card in a cash machine",
      text: "The cash machine kept my card and the bank that owns it is closed. Can you freeze it for me?",
    },
    {
      subject: "lost card abroad",
      text: "I'm in {country} and I've lost my card. I need it frozen and a new one, how fast can you send it?",
    },
  ],
  card_declined: [
    {
      subject: "Card declined at {merchant}",
      text: "My card was declined at {merchant} today even though I have money in the account. Why does this keep happening?",
    },
    {
      subject: "Payment refused online",
      text: "I'm trying to pay {amount} {currency} on {merchant}'s website and it keeps getting refused. Nothing shows in the app.",
    },
    {
      subject: "Declined",
      text: "Card got declined twice at the petrol station this morning. Balance is fine. What's wrong with it?",
    },
    {
      subject: "Can't pay online",
      text: "Every online payment fails with my card. I never get any message to confirm anything. Is there a setting I'm missing?",
    },
    {
      subject: "Embarrassing decline",
      text: "My card was declined in a restaurant in front of clients. I had plenty of money on it. I need to know what happened.",
    },
  ],
  pin_reset: [
    { subject: "Forgot my PIN", text: "I've forgotten the PIN for my card. Can you send it to me again?" },
    {
      subject: "PIN blocked",
      text: "I typed the wrong PIN three times and now the card doesn't work in shops. How do I fix it?",
    },
    {
      subject: "Change PIN",
      text: "I want to change my PIN to something I can remember. Can I do that in the app?",
    },
    { subject: "Where do I find my PIN", text: "Got my card but no PIN came with it. Where do I find it?" },
  ],
  duplicate_charge: [
    {
      subject: "Charged twice",
      text: "I was charged twice at {merchant} on {date}, two payments of {amount} {currency}. I only bought one thing. Please refund the second one.",
    },
    {
      subject: "Double payment",
      text: "There are two identical payments of {amount} {currency} to {merchant} in my account. I paid once. Can you sort it out?",
    },
    {
      subject: "Duplicate transaction",
      text: "{merchant} took {amount} {currency} from me twice for the same order. I have the receipt for one payment only.",
    },
    {
      subject: "Same payment twice",
      text: "Looks like the terminal at {merchant} glitched and charged me {amount} {currency} two times. Can I get one of them back?",
    },
    {
      subject: "Charged double for subscription",
      text: "My {merchant} subscription was charged twice this month, {amount} {currency} each time. I want the extra charge refunded.",
    },
  ],
  refund_missing: [
    {
      subject: "Refund from {merchant} missing",
      text: "{merchant} confirmed my refund of {amount} {currency} on {date} but it's still not in my account. Where is it?",
    },
    {
      subject: "Never received my order",
      text: "I paid {merchant} {amount} {currency} for an order that never arrived and they stopped answering my emails. Can you get my money back?",
    },
    {
      subject: "Refund not showing",
      text: "I sent my order back to {merchant} and they say they refunded {amount} {currency}. It's been over two weeks and nothing.",
    },
    {
      subject: "Goods not delivered",
      text: "Ordered from {merchant} a month ago, paid {amount} {currency}, never delivered. The tracking number doesn't work. I want a refund.",
    },
    {
      subject: "Cancelled booking, no refund",
      text: "{merchant} cancelled my booking and promised a refund of {amount} {currency}. I still haven't received it. Can you help?",
    },
  ],
  unrecognised_payment: [
    {
      subject: "Payment I didn't make",
      text: "There's a payment of {amount} {currency} to {merchant} that I definitely didn't make. Please stop my card.",
    },
    {
      subject: "Unknown transaction",
      text: "I don't recognise a transaction from {merchant} for {amount} {currency} yesterday. Has my card been hacked?",
    },
    {
      subject: "Strange payments",
      text: "I see three small payments I never made, the biggest is {amount} {currency} at {merchant}. I still have my card with me.",
    },
    {
      subject: "Someone is using my card",
      text: "I just got a notification for {amount} {currency} at {merchant} and I'm at home. That isn't me!",
    },
  ],
  transfer_pending: [
    {
      subject: "Transfer not arrived",
      text: "I sent {amount} {currency} to my landlord yesterday and he says he hasn't got it. How long do transfers take?",
    },
    {
      subject: "Transfer stuck",
      text: "My transfer of {amount} {currency} has been showing as pending since {date}. Why is it taking so long?",
    },
    {
      subject: "Money sent to wrong account?",
      text: "I made a transfer on Friday evening and it's Monday and it still says processing. Did something go wrong?",
    },
    {
      subject: "Euro transfer",
      text: "How long does a euro transfer to a German bank account take? I need the money there by {date}.",
    },
  ],
  top_up: [
    {
      subject: "Top up failed",
      text: "I tried to add {amount} {currency} from my bank card and it failed, but my bank shows the money as pending.",
    },
    {
      subject: "How to add money",
      text: "What's the quickest way to put money into my Larkspur account? I need it for a payment today.",
    },
    {
      subject: "Top up with credit card",
      text: "Can I top up using my credit card? It keeps saying the card isn't supported.",
    },
    {
      subject: "Bank transfer top up",
      text: "I sent money from my other bank to top up {hours} hours ago and it still isn't in my balance.",
    },
  ],
  fees: [
    {
      subject: "What does Plus cost",
      text: "How much is the Plus plan and what do I actually get for it compared to Standard?",
    },
    {
      subject: "Fee for new card?",
      text: "I was charged 5 {currency} for a replacement card. I thought replacements were free?",
    },
    {
      subject: "Monthly fee",
      text: "Is there any monthly fee on the standard account? I don't want surprises.",
    },
    {
      subject: "Switch plan",
      text: "If I switch to Plus today, when does it start and can I go back to Standard later?",
    },
  ],
  spending_abroad: [
    {
      subject: "Using card in {country}",
      text: "I'm travelling to {country} next month. Will my card work there, and are there fees for paying in the local currency?",
    },
    {
      subject: "Exchange rate wrong?",
      text: "I paid {amount} {currency} in {country} and the final amount in the app is different from what I saw at the till. Why?",
    },
    {
      subject: "Weekend fee",
      text: "Why was I charged an exchange fee for a payment on Saturday in {country}?",
    },
    {
      subject: "Pay in euros or pounds?",
      text: "The card machine in {country} asked if I wanted to pay in my home currency or local currency. Which one should I pick?",
    },
  ],
  cash_withdrawal: [
    { subject: "ATM fee", text: "I was charged a fee for taking out cash. I thought withdrawals were free?" },
    {
      subject: "ATM didn't give cash",
      text: "The cash machine at {merchant} took {amount} {currency} from my account but no money came out.",
    },
    { subject: "Withdrawal limit", text: "How much cash can I take out each month without paying anything?" },
  ],
  change_address: [
    {
      subject: "New address",
      text: "I've moved. My new address is {address}. Please update it on my account.",
    },
    {
      subject: "Change of address",
      text: "Can you change my address to {address}? I moved last weekend and need my post to go there.",
    },
    { subject: "Update address", text: "Please update my home address. New one: {address}. Thank you." },
    {
      subject: "Moving house",
      text: "I'm moving on the {date}. From then my address will be {address}. Can you change it?",
    },
  ],
  change_name: [
    {
      subject: "Name change after marriage",
      text: "I got married and my surname is now {surname}. How do I change my name on the account and card?",
    },
    {
      subject: "Update my name",
      text: "Please change my name to {newName}. I changed it by deed poll last month.",
    },
    {
      subject: "Wrong name spelling",
      text: "My name is spelled wrong on my account, it should be {newName}. Can you fix it?",
    },
  ],
  account_closure: [
    { subject: "Close my account", text: "I want to close my Larkspur account. What do I need to do?" },
    {
      subject: "Closing account",
      text: "I'm moving back to my old bank. How do I close this account and get my balance out?",
    },
    { subject: "Delete account", text: "Please delete my account. I don't use it any more." },
  ],
  statements: [
    {
      subject: "Statement for mortgage",
      text: "My mortgage broker needs three months of statements. Where can I download them?",
    },
    {
      subject: "Proof of account",
      text: "I need a bank reference letter for my new job. Can you give me one?",
    },
    {
      subject: "Statement PDF",
      text: "How do I get a PDF statement for {date}? I need it for my tax return.",
    },
  ],
  mobile_wallet: [
    {
      subject: "Apple Pay not working",
      text: "I can't add my card to Apple Pay, it just says try again later. My card is activated.",
    },
    { subject: "Google Pay", text: "Can I use Google Pay with Larkspur while I wait for my physical card?" },
    { subject: "Add card to phone", text: "How do I add my Larkspur card to my phone wallet?" },
  ],
  out_of_scope: [
    { subject: "Mortgage", text: "Do you offer mortgages? I'm looking to buy a flat in {city} next year." },
    { subject: "Crypto", text: "Can I buy bitcoin with my Larkspur account?" },
    {
      subject: "Job application",
      text: "I applied for the customer service job in {city} three weeks ago. Any news on my application?",
    },
    {
      subject: "Sponsorship",
      text: "Our local football club is looking for sponsors. Does Larkspur sponsor community sports teams?",
    },
    {
      subject: "Business account",
      text: "Do you have business accounts for sole traders with invoicing built in?",
    },
    {
      subject: "Inheritance",
      text: "My father passed away and had a Larkspur account. What happens to his money and who do I speak to?",
    },
    {
      subject: "Interest rate",
      text: "What interest rate do you pay on savings, and is it better than {merchant}'s?",
    },
  ],
};
