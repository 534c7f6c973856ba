import type { TypeDef } from '../model.ts';

export const networkingDefinitions: TypeDef[] = [];
