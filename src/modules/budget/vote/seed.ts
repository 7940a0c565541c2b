import type { CoreServices } from '../../../core/services.js';

export async function seedVoteDemo(
  _core: CoreServices,
  _onProgress: (message: string) => void,
): Promise<void> {}
