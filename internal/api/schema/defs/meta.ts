import type { TypeDef } from '../model.ts';

export const metaDefinitions: TypeDef[] = [];
