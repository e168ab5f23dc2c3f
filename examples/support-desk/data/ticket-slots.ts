/** Words the ticket templates are filled with, and the flavours some tickets carry. Invented for the demo. */

export const FIRST_NAMES = [
  "Maya",
  "Tomasz",
  "Aoife",
  "Daniel",
  "Priya",
  "Lukas",
  "Sofia",
  "Kwame",
  "Eilidh",
  "Mateo",
  "Hannah",
  "Yusuf",
  "Chloe",
  "Arjun",
  "Ines",
  "Oliver",
  "Zainab",
  "Pieter",
  "Niamh",
  "Rafael",
  "Grace",
  "Tobias",
  "Amara",
  "Jonas",
  "Leila",
  "Callum",
  "Marta",
  "Ravi",
  "Freya",
  "Emeka",
] as const;

export const SURNAMES = [
  "Okafor",
  "Nowak",
  "Brennan",
  "Fischer",
  "Sharma",
  "Moreau",
  "Rossi",
  "Mensah",
  "MacLeod",
  "García",
  "Lindqvist",
  "Haddad",
  "Evans",
  "Patel",
  "Costa",
  "Walsh",
  "Bakker",
  "Kowalski",
  "Doyle",
  "Ferreira",
  "Osei",
  "Novak",
] as const;

export const MERCHANTS = [
  "Corner Cafe",
  "Hollow Oak Furniture",
  "StreamBox",
  "Bramble Books",
  "Skyline Air",
  "Petal & Stem",
  "FitHub Gym",
  "Northgate Petrol",
  "Cinder Records",
  "Harbour Hotels",
  "QuickCart",
  "Urban Threads",
  "Pixel Planet",
  "Green Basket Grocers",
  "TrainLink",
  "CloudNine Travel",
] as const;

export const CITIES = [
  "Manchester",
  "Dublin",
  "Leeds",
  "Cork",
  "Glasgow",
  "Bristol",
  "Lisbon",
  "Rotterdam",
] as const;

export const COUNTRIES = [
  "Spain",
  "Portugal",
  "Poland",
  "Italy",
  "Greece",
  "Croatia",
  "the Netherlands",
  "France",
] as const;

export const STREETS = [
  "12 Mill Lane, Bristol BS1 4DJ",
  "Flat 3, 48 Canal Street, Manchester M1 3HE",
  "7 Harbour View, Cork T12 X2F8",
  "22 Rowan Road, Leeds LS6 2AB",
  "Apartment 5, 19 Quay Street, Dublin D02 Y872",
  "104 Kelvin Way, Glasgow G3 7PR",
  "9 Orchard Close, Bath BA2 4QT",
  "31 Linden Avenue, Galway H91 C4E2",
] as const;

/** Small amounts stay under the auto-refund limit (25); large ones go to billing. */
export const SMALL_AMOUNTS = [3.5, 4.99, 7.2, 9.99, 12.5, 14, 18.75, 21.4, 24.99] as const;
export const LARGE_AMOUNTS = [29.99, 45, 62.3, 89, 120, 149.99, 240, 389, 612.4, 1250] as const;

export const OPENINGS = [
  "Hi,",
  "Hello,",
  "Hi there,",
  "Hello Larkspur team,",
  "Good morning,",
  "",
  "",
  "Hey,",
] as const;

export const SIGN_OFFS = [
  "Thanks, {first}",
  "{first}",
  "Regards, {first} {surname}",
  "Cheers, {first}",
  "Thank you!",
  "",
] as const;

/** Sentences an upset customer adds. */
export const ANGRY_LINES = [
  "This is absolutely ridiculous and I am furious.",
  "Honestly this is the worst service I have ever had, completely useless.",
  "I'm really angry, this is unacceptable and frankly pathetic.",
  "Third time writing about this. Terrible, awful support.",
  "I am disgusted with how this has been handled.",
] as const;

/** Sentences a customer threatening legal action adds. */
export const LEGAL_LINES = [
  "If this is not fixed by Friday I will take you to small claims court.",
  "My lawyer has advised me to start legal action if I don't hear back.",
  "I am prepared to sue you over this.",
  "Consider this a letter before action.",
] as const;

/** Sentences a customer mentioning a regulator adds. */
export const REGULATOR_LINES = [
  "I will be making a complaint to the financial ombudsman.",
  "I've already reported you to the FCA.",
  "If this carries on I'm going to the ombudsman.",
  "I will file a report with consumer protection.",
] as const;

/** Luhn-valid test card numbers (the networks' published test numbers), as customers paste them. */
export const TEST_CARD_NUMBERS = [
  "4111 1111 1111 1111",
  "5555 5555 5555 4444",
  "4012 8888 8888 1881",
  "5105 1051 0510 5100",
  "4242424242424242",
  "5454 5454 5454 5454",
] as const;

/** How customers introduce a pasted card number. */
export const CARD_NUMBER_LINES = [
  "My card number is {cardNumber} if that helps.",
  "The card is {cardNumber}.",
  "Card: {cardNumber}",
  "In case you need it, the long number on the card is {cardNumber}.",
] as const;
