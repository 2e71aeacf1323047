/**
 * The Magento simulator set up for the sample ERP: its colour and size dropdowns hold the values
 * the sample's variants use (a real store's attribute options are set up by its merchant), so the
 * web shop's families become configurable products instead of being refused as UNKNOWN_OPTION.
 */
import {
  startMagentoSimulator,
  type MagentoSimulator,
  type MagentoSimulatorOptions,
} from '../simulators/magento/magento-simulator.ts';
import { colours, variantLines } from './erp/catalog-words.ts';

export const sampleDropdownAttributes: Readonly<Record<string, string[]>> = {
  color: colours.map((colour) => colour.name),
  size: [...new Set(variantLines.flatMap((line) => line.sizes))],
};

export function startSampleMagento(options: MagentoSimulatorOptions = {}): Promise<MagentoSimulator> {
  return startMagentoSimulator({ dropdownAttributes: sampleDropdownAttributes, ...options });
}
