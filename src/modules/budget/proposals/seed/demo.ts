import type { CoreServices } from '../../../../core/services.js';

/** The demo campaigns (written in a later step). */
export async function seedProposalsDemo(
  _core: CoreServices,
  _options: { onProgress: (message: string) => void },
): Promise<void> {}
