/**
 * Vocabulary of the sample catalogue: invented brands, categories with their product nouns, variant
 * axes, names for customers. Kept apart so generate.ts reads as rules, not lists. Editing a list
 * changes every generated sample, so the generator's determinism test pins a few values.
 */

export const brands = [
  'Nordwind',
  'Alpenglow',
  'Kestrel',
  'Brightline',
  'Ostwerk',
  'Vela',
  'Fjordic',
  'Tannery Row',
  'Lumo',
  'Graniteware',
  'Piko',
  'Solberg',
] as const;

export const adjectives = [
  'Classic',
  'Urban',
  'Compact',
  'Essential',
  'Premium',
  'Light',
  'Everyday',
  'Heritage',
  'Active',
  'Studio',
] as const;

/** Standalone (no variants) product lines: category path, nouns, one descriptive attribute. */
export const standaloneLines = [
  {
    category: 'Electronics > Headphones',
    nouns: ['Headphones', 'Earbuds'],
    attribute: ['connection', ['bluetooth', 'wired', 'usb-c']],
  },
  {
    category: 'Electronics > Chargers',
    nouns: ['Charger', 'Power Bank'],
    attribute: ['power_w', ['20', '45', '65', '100']],
  },
  {
    category: 'Home > Kitchen',
    nouns: ['Kettle', 'French Press', 'Knife Set', 'Cutting Board'],
    attribute: ['material', ['steel', 'glass', 'bamboo', 'oak']],
  },
  {
    category: 'Home > Lighting',
    nouns: ['Desk Lamp', 'Floor Lamp', 'Lantern'],
    attribute: ['color', ['black', 'white', 'brass']],
  },
  {
    category: 'Sports > Fitness',
    nouns: ['Yoga Mat', 'Kettlebell', 'Jump Rope'],
    attribute: ['weight_g', ['350', '900', '4000', '8000']],
  },
  {
    category: 'Outdoor > Camping',
    nouns: ['Tent', 'Sleeping Bag', 'Camping Stove'],
    attribute: ['capacity', ['1', '2', '4']],
  },
  {
    category: 'Office > Stationery',
    nouns: ['Notebook', 'Fountain Pen', 'Desk Organiser'],
    attribute: ['color', ['blue', 'black', 'green']],
  },
  {
    category: 'Toys > Puzzles',
    nouns: ['Puzzle', 'Board Game'],
    attribute: ['pieces', ['500', '1000', '1500']],
  },
] as const;

/** Product lines sold in variants: each variant is a colour and a size of one parent. */
export const variantLines = [
  {
    category: 'Apparel > T-Shirts',
    nouns: ['T-Shirt', 'Polo Shirt'],
    sizes: ['XS', 'S', 'M', 'L', 'XL', 'XXL'],
    materials: ['cotton', 'organic cotton', 'linen'],
  },
  {
    category: 'Apparel > Hoodies',
    nouns: ['Hoodie', 'Sweatshirt'],
    sizes: ['S', 'M', 'L', 'XL'],
    materials: ['cotton', 'fleece'],
  },
  {
    category: 'Apparel > Jackets',
    nouns: ['Rain Jacket', 'Softshell Jacket'],
    sizes: ['S', 'M', 'L', 'XL'],
    materials: ['polyester', 'nylon'],
  },
  {
    category: 'Footwear > Sneakers',
    nouns: ['Sneaker', 'Running Shoe'],
    sizes: ['39', '40', '41', '42', '43', '44', '45'],
    materials: ['canvas', 'leather', 'mesh'],
  },
] as const;

/** Colour names as attributes hold them, with the code a variant SKU carries. */
export const colours = [
  { name: 'red', code: 'RED' },
  { name: 'blue', code: 'BLU' },
  { name: 'black', code: 'BLK' },
  { name: 'white', code: 'WHT' },
  { name: 'green', code: 'GRN' },
  { name: 'grey', code: 'GRY' },
  { name: 'navy', code: 'NVY' },
] as const;

export const firstNames = [
  'Anna',
  'Lukas',
  'Marta',
  'Jonas',
  'Zofia',
  'Felix',
  'Ines',
  'Piotr',
  'Lena',
  'Tomás',
  'Eva',
  'Noah',
] as const;

export const lastNames = [
  'Schmidt',
  'Nowak',
  'Bauer',
  'Kowalska',
  'Weber',
  'Huber',
  'Wójcik',
  'Fischer',
  'Novák',
  'Meyer',
] as const;

export const companyWords = ['Handel', 'Sport', 'Outdoor', 'Haus', 'Trade', 'Store', 'Versand'] as const;

export const companyForms: Readonly<Record<string, string>> = {
  DE: 'GmbH',
  AT: 'GmbH',
  PL: 'sp. z o.o.',
  CZ: 's.r.o.',
  NL: 'B.V.',
};
